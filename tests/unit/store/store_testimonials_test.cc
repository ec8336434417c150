#include <gtest/gtest.h>

#include <map>
#include <string>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// The testimonials side of the store contract, run on every backend.
class StoreTestimonialsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  StoreTestimonialsTest() { survey_ = store_.NewSurvey(); }

  int64_t Answered(const std::string &email, int score, const std::string &comment,
                   bool consent, const std::string &first_name = "Ada",
                   const std::string &consent_text = "You may quote me") {
    const int64_t id = store_.SentInvitation(survey_, email, kNow, first_name);
    Answer a;
    a.score = score;
    a.comment = comment;
    a.consent = consent;
    a.consent_text = consent ? consent_text : "";
    EXPECT_TRUE(store_->SaveAnswer(id, a, false, kNow + 10).ok());
    return id;
  }

  std::vector<TestimonialView> List(TestimonialStatus status) {
    TestimonialQuery q;
    q.survey_id = survey_.id;
    q.status = status;
    auto got = store_->ListTestimonials(q);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() ? *got : std::vector<TestimonialView>{};
  }

  std::vector<PublishedTestimonial> Published() {
    auto got = store_->PublishedTestimonials(survey_.public_id, 50);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() && got->has_value() ? (*got)->items
                                        : std::vector<PublishedTestimonial>{};
  }

  Status Approve(int64_t id, std::optional<std::string> text = std::nullopt) {
    Moderation m;
    m.approve = true;
    m.display_text = std::move(text);
    auto r = store_->ModerateTestimonial(survey_.id, id, m, kNow + 20);
    return r.ok() ? Status::Ok() : r.status();
  }

  TempStore store_{GetParam()};
  Survey survey_;
};

TEST_P(StoreTestimonialsTest, ConsentingPromotersEnterTheQueueWithWhatTheyAgreedTo) {
  const int64_t yes = Answered("a@example.com", 10, "Lovely support", true);
  Answered("b@example.com", 10, "Lovely", false);  // no consent
  Answered("c@example.com", 8, "Fine", true);      // a passive
  Answered("d@example.com", 9, "", true);          // nothing to quote
  const auto pending = List(TestimonialStatus::kPending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].answer_id, yes);
  EXPECT_EQ(pending[0].comment, "Lovely support");
  EXPECT_EQ(pending[0].consent_text, "You may quote me");
  EXPECT_EQ(pending[0].first_name, "Ada");
  EXPECT_TRUE(Published().empty());  // not before the owner approves
}

TEST_P(StoreTestimonialsTest, TheDefaultNameFollowsTheConsent) {
  const int64_t first = Answered("a@example.com", 10, "Lovely", true, "Ada",
                                 "You may quote me, with my first name.");
  const int64_t unnamed = Answered("b@example.com", 9, "Nice", true, "Bo");
  std::map<int64_t, NameFormat> formats;
  for (const auto &t : List(TestimonialStatus::kPending))
    formats[t.answer_id] = t.name_format;
  EXPECT_EQ(formats[first], NameFormat::kFirstName);
  EXPECT_EQ(formats[unnamed], NameFormat::kAnonymous);
  // Approved without choosing a name: published as consented.
  ASSERT_TRUE(Approve(first).ok());
  const auto published = Published();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].name_format, NameFormat::kFirstName);
}

TEST_P(StoreTestimonialsTest, ApprovedQuotesArePublishedShortenedIfTheOwnerSaysSo) {
  const int64_t id = Answered("a@example.com", 10, "Fast support. Fair price.", true);
  EXPECT_FALSE(Approve(id, "Fast support. Cheap!").ok());  // a rewording
  ASSERT_TRUE(Approve(id, "Fast support.").ok());
  EXPECT_TRUE(List(TestimonialStatus::kPending).empty());
  const auto published = Published();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].text, "Fast support.");
  EXPECT_EQ(published[0].score, 10);
  EXPECT_EQ(published[0].first_name, "Ada");
}

TEST_P(StoreTestimonialsTest, RejectedQuotesStayUnpublished) {
  const int64_t id = Answered("a@example.com", 9, "Nice", true);
  Moderation reject;
  auto r = store_->ModerateTestimonial(survey_.id, id, reject, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, TestimonialStatus::kRejected);
  EXPECT_EQ(List(TestimonialStatus::kRejected).size(), 1u);
  EXPECT_TRUE(Published().empty());
}

TEST_P(StoreTestimonialsTest, DisappearsAtOnceWhenTheAnswerOrItsAuthorChanges) {
  const int64_t id = Answered("a@example.com", 10, "Great", true);
  ASSERT_TRUE(Approve(id).ok());
  ASSERT_EQ(Published().size(), 1u);

  Answer lower;
  lower.score = 6;
  ASSERT_TRUE(store_->SaveAnswer(id, lower, /*score_only=*/true, kNow + 30).ok());
  EXPECT_TRUE(Published().empty());  // no longer a promoter
  Answer back;
  back.score = 10;
  ASSERT_TRUE(store_->SaveAnswer(id, back, /*score_only=*/true, kNow + 40).ok());
  EXPECT_EQ(Published().size(), 1u);  // the same words, approved before

  Answer withdrawn;
  withdrawn.score = 10;
  withdrawn.comment = "Great";
  ASSERT_TRUE(store_->SaveAnswer(id, withdrawn, false, kNow + 50).ok());
  EXPECT_TRUE(Published().empty());  // consent taken back

  const int64_t other = Answered("b@example.com", 10, "Superb", true, "Bo");
  ASSERT_TRUE(Approve(other).ok());
  ASSERT_EQ(Published().size(), 1u);
  ASSERT_TRUE(store_->Unsubscribe(other, kNow + 60).ok());
  EXPECT_TRUE(Published().empty());  // the author unsubscribed
}

TEST_P(StoreTestimonialsTest, NewWordsGoBackToModeration) {
  const int64_t id = Answered("a@example.com", 10, "Great", true);
  ASSERT_TRUE(Approve(id).ok());
  Answer changed;
  changed.score = 10;
  changed.comment = "Great, but slow";
  changed.consent = true;
  ASSERT_TRUE(store_->SaveAnswer(id, changed, false, kNow + 30).ok());
  EXPECT_TRUE(Published().empty());
  const auto pending = List(TestimonialStatus::kPending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].comment, "Great, but slow");
}

TEST_P(StoreTestimonialsTest, ModerationErrors) {
  const int64_t passive = Answered("a@example.com", 7, "Ok", true);
  EXPECT_EQ(Approve(passive).code(), Status::Code::kNotFound);
  EXPECT_EQ(Approve(999999).code(), Status::Code::kNotFound);
  const int64_t id = Answered("b@example.com", 10, "Good", true);
  Survey other = store_.NewSurvey();
  Moderation m;
  m.approve = true;
  EXPECT_EQ(store_->ModerateTestimonial(other.id, id, m, kNow).status().code(),
            Status::Code::kNotFound);  // another survey's answer
  auto unknown = store_->PublishedTestimonials("ffffffffffffffff", 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreTestimonialsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
