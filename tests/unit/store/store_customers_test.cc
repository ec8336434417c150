// The customer page's and the trait filters' side of the store contract
// (GetCustomer, ListTraits, ListResponses by trait, export's customer
// columns), run on every backend.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "ingest/identify_message.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kStart = 1795392000;  // 2026-11-23T00:00:00Z

class StoreCustomersTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  StoreCustomersTest() {
    Survey draft;
    draft.name = "NPS";
    draft.policy.min_delay_days = 0;
    draft.policy.resurvey_interval_days = 0;  // invite the same customer again
    draft.policy.automation = true;
    survey_ = store_->CreateSurvey(draft, 0).value();
    draft.name = "Other";
    other_ = store_->CreateSurvey(draft, 0).value();
  }

  // An identify of `email` with `traits` at `at`; the invitation sent then
  // unless `send` is false.
  int64_t Invite(const std::string &email, int64_t at, json traits = json::object(),
                 const Survey *survey = nullptr, bool send = true) {
    traits["email"] = email;
    json message = {{"type", "identify"}, {"traits", traits}};
    if (traits.contains("userId")) message["userId"] = traits["userId"];
    auto parsed = ParseSpecMessage(message, "");
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = (survey ? *survey : survey_).api_key;
    job.identifies.push_back(*parsed->identify);
    store_->ApplyIngest({&job}, at);
    EXPECT_TRUE(job.status.ok()) << job.status.message();
    if (!send) return 0;
    auto claims = store_->ClaimDueInvitations(at, 100, 60, "test");
    EXPECT_TRUE(claims.ok() && claims->size() == 1u);
    if (!claims.ok() || claims->empty()) return 0;
    DeliveryRecord sent;
    sent.invitation_id = claims->front().invitation_id;
    EXPECT_TRUE(store_->RecordDeliveries({sent}, at, "test").ok());
    return sent.invitation_id;
  }

  void Answer(int64_t invitation, int score, int64_t at, const std::string &comment = "",
              std::map<std::string, int> tags = {}) {
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    a.tag_ratings = std::move(tags);
    ASSERT_TRUE(store_->SaveAnswer(invitation, a, false, at).ok());
  }

  int64_t CustomerId(const std::string &email, const Survey *survey = nullptr) {
    CustomerQuery q;
    q.survey_id = (survey ? *survey : survey_).id;
    q.email = email;
    auto found = store_->FindCustomers(q);
    EXPECT_TRUE(found.ok() && found->size() == 1u);
    return found.ok() && !found->empty() ? found->front().id : 0;
  }

  std::vector<ResponseView> Responses(std::vector<TraitFilter> traits, int min = 0,
                                      int max = 10) {
    ResponseQuery q;
    q.survey_id = survey_.id;
    q.traits = std::move(traits);
    q.min_score = min;
    q.max_score = max;
    auto list = store_->ListResponses(q);
    EXPECT_TRUE(list.ok()) << list.status().ToLogString();
    return list.ok() ? *list : std::vector<ResponseView>{};
  }

  TempStore store_{GetParam()};
  Survey survey_, other_;
};

TEST_P(StoreCustomersTest, GetCustomerGivesIdentityTraitsInvitationsAndAnswers) {
  const int64_t first = Invite("ada@example.com", kStart,
                               {{"userId", "u-1"},
                                {"firstName", "Ada"},
                                {"lastName", "Lovelace"},
                                {"plan", "pro"},
                                {"seats", 42}});
  Answer(first, 6, kStart + 100, "Slow support", {{"Support", 2}});
  const int64_t second = Invite("ada@example.com", kStart + 10 * kDay,
                                {{"plan", "enterprise"}, {"company", "Analytical"}});
  Answer(second, 9, kStart + 10 * kDay + 50, "Much better");
  Invite("bob@example.com", kStart + kDay);  // another customer, no answer

  const int64_t id = CustomerId("ada@example.com");
  auto got = store_->GetCustomer(survey_.id, id);
  ASSERT_TRUE(got.ok()) << got.status().ToLogString();
  const CustomerView &c = got->customer;
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(c.email, "ada@example.com");
  EXPECT_EQ(c.user_id, "u-1");
  EXPECT_EQ(c.first_name, "Ada");
  EXPECT_EQ(c.last_name, "Lovelace");
  EXPECT_EQ(c.first_seen_at, kStart);
  EXPECT_EQ(c.last_seen_at, kStart + 10 * kDay);
  EXPECT_EQ(c.state, "answered");
  EXPECT_EQ(c.last_surveyed_at, kStart + 10 * kDay);
  // The traits merged over both identifies.
  const json traits = json::parse(got->traits_json);
  EXPECT_EQ(traits["plan"], "enterprise");
  EXPECT_EQ(traits["seats"], 42);
  EXPECT_EQ(traits["company"], "Analytical");
  ASSERT_EQ(c.invitations.size(), 2u);  // newest first
  EXPECT_EQ(c.invitations[0].id, second);
  EXPECT_EQ(c.invitations[0].status, InvitationStatus::kAnswered);
  EXPECT_EQ(c.invitations[0].sent_at, kStart + 10 * kDay);
  EXPECT_EQ(c.invitations[1].id, first);
  EXPECT_EQ(c.invitations[1].answered_at, kStart + 100);
  ASSERT_EQ(got->answers.size(), 2u);  // oldest first
  EXPECT_EQ(got->answers[0].invitation_id, first);
  EXPECT_EQ(got->answers[0].customer_id, id);
  EXPECT_EQ(got->answers[0].answer.answer.score, 6);
  EXPECT_EQ(got->answers[0].answer.answer.comment, "Slow support");
  EXPECT_EQ(got->answers[0].answer.answer.tag_ratings.at("Support"), 2);
  EXPECT_EQ(got->answers[0].answer.answered_at, kStart + 100);
  EXPECT_EQ(got->answers[1].answer.answer.score, 9);

  // Bob: identified, invited, never answered.
  auto bob = store_->GetCustomer(survey_.id, CustomerId("bob@example.com"));
  ASSERT_TRUE(bob.ok());
  EXPECT_TRUE(bob->answers.empty());
  ASSERT_EQ(bob->customer.invitations.size(), 1u);
  EXPECT_EQ(bob->customer.invitations[0].status, InvitationStatus::kSent);
}

TEST_P(StoreCustomersTest, GetCustomerOfAnotherSurveyIsNotFound) {
  Invite("ada@example.com", kStart, json::object(), &other_);
  const int64_t id = CustomerId("ada@example.com", &other_);
  EXPECT_TRUE(store_->GetCustomer(other_.id, id).ok());
  EXPECT_EQ(store_->GetCustomer(survey_.id, id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetCustomer(survey_.id, id + 100).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreCustomersTest, GetCustomerShowsAScheduledInvitation) {
  Survey draft = survey_;
  draft.policy.min_delay_days = 3;
  ASSERT_TRUE(store_->UpdateSurvey(draft, kStart).ok());
  Invite("ada@example.com", kStart, json::object(), nullptr, /*send=*/false);
  auto got = store_->GetCustomer(survey_.id, CustomerId("ada@example.com"));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->customer.invitations.size(), 1u);
  EXPECT_EQ(got->customer.invitations[0].status, InvitationStatus::kScheduled);
  EXPECT_EQ(got->customer.invitations[0].id, 0);
  EXPECT_EQ(got->customer.state, "scheduled");
  EXPECT_EQ(json::parse(got->traits_json), json({{"email", "ada@example.com"}}));
}

TEST_P(StoreCustomersTest, ListTraitsCountsScalarValuesByCustomer) {
  Invite("a@example.com", kStart, {{"plan", "pro"}, {"seats", 5}, {"trial", true}});
  Invite("b@example.com", kStart, {{"plan", "pro"}, {"seats", 5}});
  Invite("c@example.com", kStart, {{"plan", "free"}, {"tags", json::array({"x"})}});
  Invite("d@example.com", kStart,
         {{"plan", "free"}, {"address", {{"city", "Bern"}}}, {"note", nullptr}});
  Invite("e@example.com", kStart, {{"plan", "team"}, {"bad name", "x"}});
  Invite("f@example.com", kStart, {{"plan", "secret"}}, &other_);  // another survey
  auto traits = store_->ListTraits(survey_.id, 50, 20);
  ASSERT_TRUE(traits.ok()) << traits.status().ToLogString();
  // By customers, then by name; no identity traits (email), no arrays,
  // objects or nulls, no names a filter cannot use.
  ASSERT_EQ(traits->size(), 3u);
  const TraitSummary &plan = (*traits)[0];
  EXPECT_EQ(plan.name, "plan");
  EXPECT_EQ(plan.customers, 5);
  ASSERT_EQ(plan.values.size(), 3u);
  EXPECT_EQ(plan.values[0].value, "free");
  EXPECT_EQ(plan.values[0].customers, 2);
  EXPECT_EQ(plan.values[1].value, "pro");
  EXPECT_EQ(plan.values[1].customers, 2);
  EXPECT_EQ(plan.values[2].value, "team");
  EXPECT_FALSE(plan.more_values);
  EXPECT_EQ((*traits)[1].name, "seats");
  ASSERT_EQ((*traits)[1].values.size(), 1u);
  EXPECT_EQ((*traits)[1].values[0].value, "5");  // JSON form, as filters take it
  EXPECT_EQ((*traits)[1].values[0].customers, 2);
  EXPECT_EQ((*traits)[2].name, "trial");
  EXPECT_EQ((*traits)[2].values[0].value, "true");

  // The bounds: names by customers, values by count.
  auto bounded = store_->ListTraits(survey_.id, 1, 2);
  ASSERT_TRUE(bounded.ok());
  ASSERT_EQ(bounded->size(), 1u);
  EXPECT_EQ((*bounded)[0].name, "plan");
  EXPECT_EQ((*bounded)[0].customers, 5);
  ASSERT_EQ((*bounded)[0].values.size(), 2u);
  EXPECT_TRUE((*bounded)[0].more_values);

  auto none = store_->ListTraits(other_.id + 100, 50, 20);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreCustomersTest, ListResponsesFiltersByTraitAndNamesTheCustomer) {
  Answer(Invite("ada@example.com", kStart, {{"plan", "pro"}, {"seats", 42}}), 10,
         kStart + 1);
  Answer(Invite("bob@example.com", kStart, {{"plan", "free"}, {"firstName", "Bob"}}), 3,
         kStart + 2);
  Answer(Invite("cy@example.com", kStart, {{"plan", "pro"}}), 5, kStart + 3);
  const auto pro = Responses({{"plan", "pro"}});
  ASSERT_EQ(pro.size(), 2u);
  EXPECT_EQ(pro[0].email, "cy@example.com");  // newest first
  EXPECT_EQ(pro[0].customer_id, CustomerId("cy@example.com"));
  EXPECT_EQ(pro[1].email, "ada@example.com");
  EXPECT_EQ(Responses({{"plan", "pro"}}, 0, 6).size(), 1u);
  EXPECT_EQ(Responses({{"seats", "42"}}).size(), 1u);
  EXPECT_EQ(Responses({{"first_name", "Bob"}}).size(), 1u);
  EXPECT_EQ(Responses({{"plan", "pro"}, {"seats", "42"}}).size(), 1u);
  EXPECT_EQ(Responses({{"plan", "pro' OR '1'='1"}}).size(), 0u);
  EXPECT_EQ(Responses({}).size(), 3u);
}

TEST_P(StoreCustomersTest, ExportRowsCarryUserIdAndTraits) {
  Answer(Invite("ada@example.com", kStart, {{"userId", "u-7"}, {"plan", "pro"}}), 9,
         kStart + 1);
  ReportFilter f;
  f.survey_id = survey_.id;
  auto rows = store_->ExportAnswers(f, {kStart, kStart + kDay}, {kStart, 0}, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].user_id, "u-7");
  EXPECT_EQ(json::parse((*rows)[0].traits_json)["plan"], "pro");
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreCustomersTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
