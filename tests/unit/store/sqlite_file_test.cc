#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/open_store.h"
#include "store/schema.h"

namespace callexa {
namespace {

// What only the SQLite backend has: a file, a schema version, several
// processes opening one file at once. The behaviour every backend shares
// is in the store_*_test.cc contract suites.
class SqliteFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_store_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    path_ = dir_ + "/callexa.db";
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();  // close before opening again
    auto opened = OpenStore(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }

  // Runs `sql` on a connection of its own, beside the store's.
  void Exec(const std::string &sql) {
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char *err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  int64_t QueryInt(const std::string &sql) {
    sqlite3 *db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }

  std::string dir_, path_;
  std::unique_ptr<SqlStore> store_;
};

TEST_F(SqliteFileTest, ReopeningKeepsTheSchemaVersion) {
  Reopen();  // migrations run again and must change nothing
  Reopen();
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), LatestSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteFileTest, OpenFailsOnAMissingDirectory) {
  auto opened = OpenStore(dir_ + "/no/such/dir/callexa.db");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kIOError);
}

TEST_F(SqliteFileTest, WorkersOpeningAFreshFileTogetherAllSucceed) {
  for (int round = 0; round < 20; ++round) {
    const std::string path = dir_ + "/race" + std::to_string(round) + ".db";
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&path, &errors, i] {
        auto opened = OpenStore(path);
        if (!opened.ok()) errors[i] = opened.status().message();
      });
    }
    for (std::thread &t : openers) t.join();
    for (const std::string &e : errors) EXPECT_EQ(e, "") << "round " << round;
  }
}

// Migration 6 fills next_answer_at for the answers that were there before
// it, as its triggers keep it for those after.
TEST_F(SqliteFileTest, MigrationSixLinksTheAnswersItFinds) {
  store_.reset();
  Exec(
      "DROP TRIGGER answers_next_after_insert; DROP TRIGGER answers_next_after_update;"
      "DROP INDEX answers_report; DROP INDEX answers_report_commented;"
      "DROP INDEX answers_report_tags; DROP INDEX answers_export;"
      "DROP INDEX invitations_sent; ALTER TABLE answers DROP COLUMN next_answer_at;"
      "ALTER TABLE surveys DROP COLUMN retention_months;"
      "DROP TABLE report_runs; ALTER TABLE surveys DROP COLUMN report_frequency;"
      "ALTER TABLE surveys DROP COLUMN report_recipients;"
      "DROP TABLE audit_log; ALTER TABLE surveys DROP COLUMN archived_at;"
      "ALTER TABLE answers DROP COLUMN review_clicked_at;"
      "DROP TABLE answer_alerts; DROP TABLE webhook_deliveries; DROP TABLE webhooks;"
      "DROP TABLE follow_up_entries; DROP TABLE follow_ups;"
      "ALTER TABLE surveys DROP COLUMN alerts; ALTER TABLE surveys DROP COLUMN reply_to;"
      "DROP TABLE reminders; ALTER TABLE surveys DROP COLUMN reminder_after_days;"
      "ALTER TABLE surveys DROP COLUMN send_window;"
      "PRAGMA user_version = 5;"
      "INSERT INTO surveys (id, public_id, api_key, key_prefix, name, min_delay_days,"
      "  max_delay_days, resurvey_interval_days, automation, created_at, updated_at)"
      "  VALUES (1, 'p', 'k', 'k', 'NPS', 0, 0, 0, 1, 0, 0);"
      "INSERT INTO customers (id, survey_id, email, first_seen_at, last_seen_at)"
      "  VALUES (1, 1, 'ada@example.com', 0, 0), (2, 1, 'bob@example.com', 0, 0);"
      "INSERT INTO invitations (id, survey_id, customer_id, status, due_at, created_at,"
      "  updated_at) VALUES (1, 1, 1, 'answered', 0, 0, 0), (2, 1, 1, 'answered', 0, 0, "
      "0),"
      "  (3, 1, 2, 'answered', 0, 0, 0);"
      "INSERT INTO answers (invitation_id, survey_id, customer_id, score, created_at,"
      "  answered_at, change_seq) VALUES (1, 1, 1, 9, 100, 100, 1), (2, 1, 1, 3, 200, "
      "200, 2),"
      "  (3, 1, 2, 7, 150, 150, 3);");
  Reopen();
  EXPECT_EQ(QueryInt("SELECT next_answer_at FROM answers WHERE invitation_id = 1"), 200);
  EXPECT_EQ(QueryInt("SELECT next_answer_at FROM answers WHERE invitation_id = 2"), -1);
  EXPECT_EQ(QueryInt("SELECT next_answer_at FROM answers WHERE invitation_id = 3"), -1);
  ReportFilter f;
  f.survey_id = 1;
  ReportSpans spans;
  spans.period = {0, 1000};
  auto counts = store_->CountReport(f, spans);
  ASSERT_TRUE(counts.ok()) << counts.status().ToLogString();
  EXPECT_EQ(counts->period.scores[3], 1);  // ada once, by her latest
  EXPECT_EQ(counts->period.scores[9], 0);
  EXPECT_EQ(counts->period.scores[7], 1);
}

// Reports read on a connection of their own that never asks for the write
// lock: they go on while another worker holds it, and never queue commits.
TEST_F(SqliteFileTest, ReportsReadWhileAnotherConnectionWrites) {
  sqlite3 *writer = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer,
                         "BEGIN IMMEDIATE; INSERT INTO settings (name, value) "
                         "VALUES ('held', '1')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  ReportFilter f;
  f.survey_id = 1;
  ReportSpans spans;
  spans.period = {0, 1000};
  auto counts = store_->CountReport(f, spans);
  EXPECT_TRUE(counts.ok()) << counts.status().ToLogString();
  auto rows = store_->ExportAnswers(f, {0, 1000}, {0, 0}, 10);
  EXPECT_TRUE(rows.ok()) << rows.status().ToLogString();
  sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(writer);
}

}  // namespace
}  // namespace callexa
