// Test fixture for the sync-back: a SqliteStore on a temporary database and
// a second, raw connection that writes customers, invitations and answers
// the way the survey pages do (change_seq from settings 'answer_seq'), so
// sync tests do not depend on the pages code.
#ifndef CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_
#define CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "testing/temp_store.h"

namespace callexa {

class SyncFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

  void SetUp() override {
    store_ = temp_.get();
    ASSERT_EQ(sqlite3_open(temp_.path().c_str(), &raw_), SQLITE_OK);
    sqlite3_busy_timeout(raw_, 5000);
    Exec("PRAGMA foreign_keys=ON");
  }

  void TearDown() override { sqlite3_close(raw_); }

  void Exec(const std::string &sql) {
    char *err = nullptr;
    ASSERT_EQ(sqlite3_exec(raw_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }

  int64_t QueryInt(const std::string &sql) {
    sqlite3_stmt *st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }

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
    Exec(
        "INSERT INTO customers (survey_id, email, user_id, anonymous_id, "
        "first_seen_at, last_seen_at) VALUES (" +
        std::to_string(survey_id) + ", " + Quote(email) + ", " + Quote(user_id) + ", " +
        Quote(anonymous_id) + ", 0, 0)");
    return sqlite3_last_insert_rowid(raw_);
  }

  int64_t AddInvitation(int64_t survey_id, int64_t customer_id) {
    Exec(
        "INSERT INTO invitations (survey_id, customer_id, status, due_at, created_at, "
        "updated_at) VALUES (" +
        std::to_string(survey_id) + ", " + std::to_string(customer_id) +
        ", 'sent', 0, 0, 0)");
    return sqlite3_last_insert_rowid(raw_);
  }

  // Saves (or overwrites) the answer to an invitation in one transaction,
  // taking the next change_seq as SaveAnswer does; returns that seq.
  int64_t Answer(int64_t invitation_id, int score, const std::string &comment,
                 int64_t answered_at) {
    Exec("BEGIN IMMEDIATE");
    Exec(
        "INSERT INTO settings (name, value) VALUES ('answer_seq', '1') "
        "ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
    const int64_t seq =
        QueryInt("SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'answer_seq'");
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
  SqliteStore *store_ = nullptr;
  sqlite3 *raw_ = nullptr;
};

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_SYNC_FIXTURE_H_
