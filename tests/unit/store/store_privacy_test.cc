#include <gtest/gtest.h>

#include <string>

#include "policy/erasure.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// The privacy side of the store contract, run on every backend.
class StorePrivacyTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  int64_t Customers(const Survey &s, const std::string &email) {
    CustomerQuery q;
    q.survey_id = s.id;
    q.email = email;
    auto n = store_->CountCustomers(q);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }

  void Answer(int64_t invitation, int score, const std::string &comment) {
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    a.consent = true;
    a.consent_text = "Quote me";
    ASSERT_TRUE(store_->SaveAnswer(invitation, a, false, kNow + 10).ok());
  }

  TempStore store_{GetParam()};
};

TEST_P(StorePrivacyTest, ErasureRemovesThePersonEverywhereAndKeepsOnlyAKey) {
  const Survey one = store_.NewSurvey();
  const Survey two = store_.NewSurvey();
  Answer(store_.SentInvitation(one, "ada@example.com", kNow, "Ada"), 10, "Lovely");
  Answer(store_.SentInvitation(two, "ada@example.com", kNow, "Ada"), 3, "Meh");
  store_.SentInvitation(one, "bob@example.com", kNow, "Bob");

  auto erased = store_->ErasePerson("ada@example.com", kNow + 100);
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  EXPECT_EQ(erased->customers, 2);
  EXPECT_EQ(erased->invitations, 2);
  EXPECT_EQ(erased->answers, 2);
  EXPECT_EQ(erased->testimonials, 1);  // the consenting promoter's quote
  EXPECT_EQ(Customers(one, "ada@example.com"), 0);
  EXPECT_EQ(Customers(two, "ada@example.com"), 0);
  EXPECT_EQ(Customers(one, "bob@example.com"), 1);  // nobody else
  ResponseQuery r;
  r.survey_id = one.id;
  EXPECT_TRUE(store_->ListResponses(r)->empty());

  // The address itself is gone; its key stays as a suppression.
  auto list = store_->ListSuppressions(SuppressionQuery{});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].email, ErasedEmailKey("ada@example.com"));
  EXPECT_EQ((*list)[0].reason, SuppressionReason::kErased);

  // A later identify is stored but never surveyed again.
  store_.Identify(one, "ada@example.com", kNow + 200);
  auto claims = store_->ClaimDueInvitations(kNow + 300, 100, 60, "test");
  ASSERT_TRUE(claims.ok());
  for (const DeliveryClaim &c : *claims) EXPECT_NE(c.email, "ada@example.com");
}

TEST_P(StorePrivacyTest, ErasingAnUnknownAddressSuppressesItAndLiftingUsesTheAddress) {
  auto erased = store_->ErasePerson("new@example.com", kNow);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->customers, 0);
  EXPECT_TRUE(store_->ErasePerson("new@example.com", kNow + 1).ok());  // twice: fine
  EXPECT_EQ(store_->CountSuppressions(SuppressionQuery{}).value(), 1);
  EXPECT_TRUE(store_->LiftSuppression("new@example.com").ok());
  EXPECT_EQ(store_->CountSuppressions(SuppressionQuery{}).value(), 0);
}

TEST_P(StorePrivacyTest, AnswersPastTheRetentionAreDeleted) {
  Survey kept = store_.NewSurvey();
  Survey limited = store_.NewSurvey();
  limited.retention_months = 6;
  ASSERT_TRUE(store_->UpdateSurvey(limited, kNow).ok());
  EXPECT_EQ(store_->GetSurvey(limited.id)->retention_months, 6);
  EXPECT_FALSE(store_->GetSurvey(kept.id)->retention_months.has_value());
  constexpr int64_t kDay = 86400;
  Answer(store_.SentInvitation(kept, "old@example.com", kNow, "Old"), 10, "Kept");
  Answer(store_.SentInvitation(limited, "old@example.com", kNow, "Old"), 10, "Old");
  Answer(store_.SentInvitation(limited, "new@example.com", kNow, "New"), 9, "New");
  // Answered at kNow + 10 (2026-11-28): six calendar months later is
  // 2027-05-28; a day before, nothing is due, a day after, both answers are.
  auto none = store_->DeleteExpiredAnswers(kNow + 10 + 180 * kDay);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(*none, 0);
  auto gone = store_->DeleteExpiredAnswers(kNow + 10 + 183 * kDay);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, 2);
  ResponseQuery r;
  r.survey_id = limited.id;
  EXPECT_TRUE(store_->ListResponses(r)->empty());
  TestimonialQuery t;
  t.survey_id = limited.id;
  EXPECT_TRUE(store_->ListTestimonials(t)->empty());
  r.survey_id = kept.id;
  EXPECT_EQ(store_->ListResponses(r)->size(), 1u);  // no retention: kept
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StorePrivacyTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
