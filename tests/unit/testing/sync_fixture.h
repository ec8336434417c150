// Test fixture for the sync-back: a store on a temporary database whose
// customers, invitations and answers are written straight to the database
// the way the survey pages do (change_seq from settings 'answer_seq'), so
// sync tests do not depend on the pages code. SyncFixture runs on SQLite;
// SyncContractFixture on each backend (TEST_P).
#ifndef CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_
#define CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "testing/temp_store.h"

namespace callexa {

inline StoreBackendFactory BackendOfFixture(::testing::Test *) {
  return SqliteBackendFactory();
}
inline StoreBackendFactory BackendOfFixture(
    ::testing::TestWithParam<StoreBackendFactory> *fixture) {
  return fixture->GetParam();
}

template <typename Base>
class SyncFixtureOn : public Base {
 protected:
  static constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

  SyncFixtureOn() : temp_(BackendOfFixture(this)), store_(temp_.get()) {}

  void Exec(const std::string &sql) { temp_.backend()->Exec(sql); }
  int64_t QueryInt(const std::string &sql) { return temp_.backend()->QueryInt(sql); }

  static std::string Quote(const std::string &s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  int64_t NewSurvey(const std::string &write_key = "wk_test") {
    Survey draft;
    draft.name = "NPS";
    draft.segment_write_key = write_key;
    auto created = store_->CreateSurvey(draft, kNow - 86400);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created->id : 0;
  }

  int64_t AddCustomer(int64_t survey_id, const std::string &email,
                      const std::string &user_id, const std::string &anonymous_id = "") {
    return QueryInt(
        "INSERT INTO customers (survey_id, email, user_id, anonymous_id, "
        "first_seen_at, last_seen_at) VALUES (" +
        std::to_string(survey_id) + ", " + Quote(email) + ", " + Quote(user_id) + ", " +
        Quote(anonymous_id) + ", 0, 0) RETURNING id");
  }

  int64_t AddInvitation(int64_t survey_id, int64_t customer_id) {
    return QueryInt(
        "INSERT INTO invitations (survey_id, customer_id, status, due_at, created_at, "
        "updated_at) VALUES (" +
        std::to_string(survey_id) + ", " + std::to_string(customer_id) +
        ", 'sent', 0, 0, 0) RETURNING id");
  }

  // Saves (or overwrites) the answer to an invitation in one transaction,
  // taking the next change_seq as SaveAnswer does; returns that seq.
  int64_t Answer(int64_t invitation_id, int score, const std::string &comment,
                 int64_t answered_at) {
    Exec("BEGIN");
    Exec(
        "INSERT INTO settings (name, value) VALUES ('answer_seq', '1') "
        "ON CONFLICT (name) DO UPDATE SET value = CAST(settings.value AS BIGINT) + 1");
    const int64_t seq =
        QueryInt("SELECT CAST(value AS BIGINT) FROM settings WHERE name = 'answer_seq'");
    Exec(
        "INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, "
        "created_at, answered_at, change_seq) "
        "SELECT id, survey_id, customer_id, " +
        std::to_string(score) + ", " + Quote(comment) + ", " +
        std::to_string(answered_at) + ", " + std::to_string(answered_at) + ", " +
        std::to_string(seq) +
        " FROM invitations WHERE id = " + std::to_string(invitation_id) +
        " ON CONFLICT (invitation_id) DO UPDATE SET score = excluded.score, "
        "comment = excluded.comment, answered_at = excluded.answered_at, "
        "change_seq = excluded.change_seq");
    Exec("COMMIT");
    return seq;
  }

  // A customer with one answered invitation; returns the invitation id.
  int64_t AnsweredCustomer(int64_t survey_id, const std::string &user_id, int score,
                           const std::string &comment = "", int64_t answered_at = kNow) {
    const int64_t customer = AddCustomer(survey_id, user_id + "@example.com", user_id);
    const int64_t invitation = AddInvitation(survey_id, customer);
    Answer(invitation, score, comment, answered_at);
    return invitation;
  }

  TempStore temp_;
  Store *store_;
};

using SyncFixture = SyncFixtureOn<::testing::Test>;
using SyncContractFixture = SyncFixtureOn<::testing::TestWithParam<StoreBackendFactory>>;

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_
