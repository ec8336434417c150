// Sync-back benchmark driver: fills a fresh database with N answered
// invitations and syncs them with the core runner (RunSyncStep, libcurl)
// to the API at API_URL, as the nginx worker's sync job does, one step
// after another. Prints one line of figures. Not a test.
//
//   sync_bench_driver DB_PATH API_URL WRITE_KEY N
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "store/open_store.h"
#include "sync/curl_segment_client.h"
#include "sync/sync_runner.h"

namespace {

int Fail(const std::string &what) {
  std::fprintf(stderr, "sync_bench_driver: %s\n", what.c_str());
  return 1;
}

// N customers with one answer each, as the survey pages would leave them.
bool Fill(const std::string &path, int64_t survey_id, int n, std::string *error) {
  sqlite3 *db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  const std::string sql =
      "BEGIN;"
      "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < " +
      std::to_string(n) +
      ") INSERT INTO customers (id, survey_id, email, user_id, first_seen_at, "
      "last_seen_at) SELECT k, " +
      std::to_string(survey_id) +
      ", 'c' || k || '@example.com', 'user-' || k, 0, 0 FROM i;"
      "INSERT INTO invitations (id, survey_id, customer_id, status, due_at, created_at, "
      "updated_at) SELECT id, survey_id, id, 'answered', 0, 0, 0 FROM customers;"
      "INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, "
      "created_at, answered_at, change_seq) SELECT id, survey_id, id, id % 11, "
      "iif(id % 3 = 0, '', 'Quick answers from support, th' || char(233) || 'nks! #' || "
      "id), "
      "1795860000 + id, 1795860000 + id, id FROM customers;"
      "INSERT INTO settings (name, value) VALUES ('answer_seq', " +
      std::to_string(n) + ");COMMIT;";
  char *err = nullptr;
  const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK;
  if (!ok) *error = err ? err : "fill failed";
  sqlite3_free(err);
  sqlite3_close(db);
  return ok;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) return Fail("usage: sync_bench_driver DB_PATH API_URL WRITE_KEY N");
  const std::string path = argv[1];
  const int n = std::atoi(argv[4]);
  auto store = callexa::OpenStore(path);
  if (!store.ok()) return Fail(store.status().message());
  callexa::Survey draft;
  draft.name = "bench";
  draft.segment_write_key = argv[3];
  auto survey = (*store)->CreateSurvey(draft, 1795860000);
  if (!survey.ok()) return Fail(survey.status().message());
  std::string error;
  if (!Fill(path, survey->id, n, &error)) return Fail(error);

  auto client = callexa::CurlSegmentClient::Create(nullptr, {});
  if (!client.ok()) return Fail(client.status().message());
  callexa::SyncOptions options;
  options.api_url = argv[2];
  options.owner = "bench";
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    callexa::SyncStepResult r =
        callexa::RunSyncStep(store->get(), client->get(), options, now);
    if (r.level >= callexa::SyncStepResult::Level::kWarn) {
      std::fprintf(stderr, "%s\n", r.log_line.c_str());
    }
    if (!r.more_work) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto st = (*store)->GetSyncStatus(survey->id);
  if (!st.ok()) return Fail(st.status().message());
  std::printf("messages=%lld requests=%lld pending=%lld seconds=%.2f msgs_per_s=%.0f\n",
              static_cast<long long>(st->messages_sent),
              static_cast<long long>(st->requests_made),
              static_cast<long long>(st->pending), seconds,
              static_cast<double>(st->messages_sent) / seconds);
  return st->pending == 0 && st->messages_sent == n ? 0 : 1;
}
