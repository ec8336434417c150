// Reports benchmark driver (tests/bench/stats_bench.sh): fills a fresh
// database with N answers spread over the 365 days before NOW, as the
// survey pages would leave them, then times the core's report (the store's
// counts and reports/ arithmetic, without nginx) for the 90 and 365 days
// before NOW. Prints one line per figure. Not a test.
//
//   stats_bench_driver DB_PATH N NOW
//
// Customers: 70% of N, so that 30% of them answered twice (surveyed again
// half a year later); every answer's invitation was sent an hour before.
// Half the answers rate two tags, a third have a comment.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "reports/report.h"
#include "sql/sqlite_statement.h"
#include "store/open_store.h"

namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kYear = 365 * kDay;

int Fail(const std::string &what) {
  std::fprintf(stderr, "stats_bench_driver: %s\n", what.c_str());
  return 1;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A score as real surveys spread them: NPS about +24.
int RandomScore(std::mt19937 *rng) {
  static const int kScores[] = {0, 2, 4, 5, 6, 7,  7,  8,  8,  8, 8,
                                9, 9, 9, 9, 9, 10, 10, 10, 10, 10};
  return kScores[(*rng)() % (sizeof kScores / sizeof kScores[0])];
}

// N answers in one transaction through prepared statements. Answer k is
// at NOW - 365 days + k * 365 days / N, so time grows with the ids; a
// customer's second answer comes half a year after the first.
callexa::Status Fill(sqlite3 *db, int64_t survey_id, int64_t n, int64_t now) {
  using callexa::SqliteStatement;
  const int64_t customers = n * 7 / 10;
  SqliteStatement customer, invitation, answer;
  callexa::Status s = callexa::PrepareAll(
      db,
      {{&customer,
        "INSERT INTO customers (id, survey_id, email, user_id, first_name, last_name, "
        "gender, traits, first_seen_at, last_seen_at) "
        "VALUES (?1, ?2, 'c' || ?1 || '@example.com', 'user-' || ?1, ?3, 'Lovelace', "
        "?4, ?5, ?6, ?6)"},
       {&invitation,
        "INSERT INTO invitations (id, survey_id, customer_id, status, due_at, "
        "created_at, "
        "sent_at, answered_at, updated_at) VALUES (?1, ?2, ?3, 'answered', ?4, ?4, ?4, "
        "?5, ?5)"},
       {&answer,
        "INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, "
        "tag_ratings, extra_answers, consent, created_at, answered_at, change_seq) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', 0, ?7, ?7, ?1)"}});
  // A cache that holds the transaction, so that it is not spilled early,
  // and statement journals (the triggers) in memory, not in temp files.
  if (s.ok())
    s = callexa::SqliteExec(
        db, "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY; BEGIN");
  if (!s.ok()) return s;
  static const char *const kNames[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara"};
  for (int64_t k = 1; s.ok() && k <= customers; ++k) {
    const std::string traits =
        std::string("{\"plan\":\"") + (k % 3 == 0 ? "pro" : "free") + "\"}";
    s = customer.Bind(1, k)
            .Bind(2, survey_id)
            .Bind(3, kNames[k % 5])
            .Bind(4, k % 2 ? "female" : "male")
            .Bind(5, traits)
            .Bind(6, now - kYear)
            .Run();
  }
  std::mt19937 rng(42);
  // Answer k belongs to customer k for the first 70%; the rest are second
  // answers of the customers who answered half a year before them.
  const int64_t half_year = n / 2;
  for (int64_t k = 1; s.ok() && k <= n; ++k) {
    const int64_t at = now - kYear + k * kYear / (n + 1);
    const int64_t owner = k <= customers ? k : k - half_year;
    const int score = RandomScore(&rng);
    const std::string comment =
        k % 3 == 0 ? "Support answered within the hour, thanks! #" + std::to_string(k)
                   : "";
    const std::string tags =
        k % 2 == 0 ? "{\"Price\":" + std::to_string(1 + rng() % 5) +
                         ",\"Support\":" + std::to_string(1 + rng() % 5) + "}"
                   : "{}";
    s = invitation.Bind(1, k)
            .Bind(2, survey_id)
            .Bind(3, owner)
            .Bind(4, at - 3600)
            .Bind(5, at)
            .Run();
    if (s.ok()) {
      s = answer.Bind(1, k)
              .Bind(2, survey_id)
              .Bind(3, owner)
              .Bind(4, int64_t{score})
              .Bind(5, comment)
              .Bind(6, tags)
              .Bind(7, at)
              .Run();
    }
  }
  if (s.ok()) {
    s = callexa::SqliteExec(db,
                            "INSERT INTO settings (name, value) VALUES ('answer_seq', " +
                                std::to_string(n) + "); COMMIT");
  }
  if (!s.ok()) callexa::SqliteExec(db, "ROLLBACK");
  return s;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) return Fail("usage: stats_bench_driver DB_PATH N NOW");
  const std::string path = argv[1];
  const int64_t n = std::atoll(argv[2]);
  const int64_t now = std::atoll(argv[3]);
  if (n < 2 || now < 2 * kYear) return Fail("N must be > 1 and NOW a Unix time");
  callexa::Survey draft;
  draft.name = "bench";
  draft.content_json = R"({"tags":["Support","Price"]})";
  int64_t survey_id = 0;
  {
    auto store = callexa::OpenStore(path);  // the schema
    if (!store.ok()) return Fail(store.status().ToLogString());
    auto survey = (*store)->CreateSurvey(draft, now - kYear);
    if (!survey.ok()) return Fail(survey.status().ToLogString());
    survey_id = survey->id;
  }
  sqlite3 *db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return Fail("cannot open " + path);
  const auto fill_start = std::chrono::steady_clock::now();
  callexa::Status s = Fill(db, survey_id, n, now);
  sqlite3_close(db);
  if (!s.ok()) return Fail(s.ToLogString());
  std::printf("seeded answers=%lld customers=%lld seconds=%.2f\n",
              static_cast<long long>(n), static_cast<long long>(n * 7 / 10),
              SecondsSince(fill_start));

  auto store = callexa::OpenStore(path);
  if (!store.ok()) return Fail(store.status().ToLogString());
  callexa::ReportFilter filter;
  filter.survey_id = survey_id;
  for (int64_t days : {90, 365}) {
    const auto start = std::chrono::steady_clock::now();
    auto report =
        callexa::RunNpsReport(store->get(), filter, {now - days * kDay, now + 1},
                              callexa::TrendInterval::kWeek, {"Support", "Price"});
    if (!report.ok()) return Fail(report.status().ToLogString());
    std::printf("core days=%lld answers=%lld nps=%.2f seconds=%.3f\n",
                static_cast<long long>(days),
                static_cast<long long>(report->current.nps.answers),
                report->current.nps.nps.value_or(0), SecondsSince(start));
  }
  return 0;
}
