// SqlStore: the reports (see store/report_store.h), each read from one
// snapshot (Report). Every count is an aggregate over an index range
// (schema migration 6): scores by (survey, score, time), so each score is
// one seek and no row is sorted; a customer's latest answer in [from, to)
// is the row whose next_answer_at is NULL or >= to.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/answer_json.h"
#include "store/sql_store.h"
#include "store/trait_sql.h"

namespace callexa {
namespace {

// The condition that keeps one answer per customer in [?2, ?3).
const char kLatestInSpan[] = " AND (a.next_answer_at IS NULL OR a.next_answer_at >= ?3)";

// "a.score IN (...)" for the band, or every score: with the score in the
// condition the (survey, score, time) index answers by seeks.
std::string ScoreList(const std::optional<ScoreBand> &band) {
  std::string list;
  for (int score = 0; score <= 10; ++score) {
    if (band && BandOfScore(score) != *band) continue;
    list += (list.empty() ? "" : ",") + std::to_string(score);
  }
  return " AND a.score IN (" + list + ")";
}

// The SQL of a ReportFilter beyond survey, time and band, for a statement
// whose own parameters are ?1 to ?(first - 1): every value is a parameter
// from ?first on, bound by Bind. A statement binds just the parameters
// its SQL uses, numbered without a gap (PostgreSQL cannot type a skipped
// one), so one that leaves out the tag's condition has a FilterSql without it.
class FilterSql {
 public:
  enum Tag { kWithTag, kWithoutTag };

  FilterSql(const SqlDialect &dialect, const ReportFilter &filter, int first, Tag tag)
      : filter_(filter),
        first_(first),
        traits_(dialect, filter.traits, first + (filter.tag && tag == kWithTag ? 1 : 0)) {
    if (filter.tag && tag == kWithTag) {
      answer_ += " AND a.tag_ratings <> '{}' AND " +
                 dialect.JsonHasInteger("a.tag_ratings", "?" + std::to_string(first));
      values_.push_back(*filter.tag);
    }
    if (filter.has_comment) {
      comment_ = *filter.has_comment ? " AND a.comment <> ''" : " AND a.comment = ''";
      answer_ += comment_;
    }
  }

  // The join to the answer's or invitation's customer, when traits need it.
  std::string Join(const char *table) const {
    if (filter_.traits.empty()) return "";
    return std::string(" JOIN customers c ON c.id = ") + table + ".customer_id";
  }
  // " AND ..." on the answer `a`: tag (kWithTag) and comment.
  const std::string &AnswerConditions() const { return answer_; }
  // The comment's condition alone, for a caller that matches the tag itself.
  const std::string &CommentCondition() const { return comment_; }
  // " AND ..." on the customer `c`.
  const std::string &TraitConditions() const { return traits_.Conditions(); }

  void Bind(Statement *st) const {
    for (size_t i = 0; i < values_.size(); ++i) {
      st->Bind(first_ + static_cast<int>(i), values_[i]);
    }
    traits_.Bind(st);
  }

 private:
  const ReportFilter &filter_;
  const int first_;
  const TraitSql traits_;
  std::string answer_, comment_;
  std::vector<std::string> values_;  // the tag's
};

// An export row's columns, then the customer join and conditions.
const char kExportColumns[] =
    "SELECT a.invitation_id, a.answered_at, c.email, c.first_name, c.last_name, "
    "a.score, a.comment, a.tag_ratings, a.extra_answers, a.consent, c.user_id, "
    "c.traits FROM answers a";

Status ReadExportRows(Statement *q, std::vector<ExportRow> *rows) {
  rows->clear();
  while (q->Step()) {
    ExportRow r;
    r.invitation_id = q->Int(0);
    r.answered_at = q->Int(1);
    r.email = q->Text(2);
    r.first_name = q->Text(3);
    r.last_name = q->Text(4);
    r.score = static_cast<int>(q->Int(5));
    r.comment = q->Text(6);
    r.tag_ratings = ReadTagRatings(q->Text(7));
    r.extra_answers = ReadExtraAnswers(q->Text(8));
    r.consent = q->Int(9) != 0;
    r.user_id = q->Text(10);
    r.traits_json = q->Text(11);
    rows->push_back(std::move(r));
  }
  return q->status();
}

// The answers of survey ?1 in [?2, ?3) that `filter` selects, one per
// customer: the FROM and WHERE of every count.
std::string CountedAnswers(const ReportFilter &filter, const FilterSql &sql) {
  return " FROM answers a" + sql.Join("a") + " WHERE a.survey_id = ?1" +
         ScoreList(filter.band) + " AND a.answered_at >= ?2 AND a.answered_at < ?3" +
         kLatestInSpan + sql.AnswerConditions() + sql.TraitConditions();
}

void BindSpan(Statement *st, const ReportFilter &filter, const FilterSql &sql,
              const TimeSpan &span) {
  st->Bind(1, filter.survey_id).Bind(2, span.from).Bind(3, span.to);
  sql.Bind(st);
}

// A count's filter follows its survey, from and to.
constexpr int kCountFilterParam = 4;

// The prepared counts of one report, with the filter's SQL of each.
struct CountStatements {
  CountStatements(const SqlDialect &dialect, const ReportFilter &filter)
      : answers_sql(dialect, filter, kCountFilterParam, FilterSql::kWithTag),
        invitations_sql(dialect, filter, kCountFilterParam, FilterSql::kWithoutTag) {}

  const FilterSql answers_sql;      // of scores, comments and tags
  const FilterSql invitations_sql;  // of invitations, which have no tag
  Statement scores, comments, reviews, invitations, tags;

  Status Prepare(SqlSession &db, const ReportFilter &filter) {
    const std::string answers = CountedAnswers(filter, answers_sql);
    return PrepareAll(
        db,
        {{&scores, "SELECT a.score, count(*)" + answers + " GROUP BY a.score"},
         // Spelled as the partial index's condition, so that it is used.
         {&comments, "SELECT count(*)" + answers + " AND a.comment <> ''"},
         {&reviews, "SELECT count(*)" + answers + " AND a.review_clicked_at IS NOT NULL"},
         {&invitations,
          "SELECT count(*), count(i.answered_at), count(r.sent_at), "
          "count(CASE WHEN i.answered_at > r.sent_at THEN 1 END) FROM invitations i" +
              invitations_sql.Join("i") +
              " LEFT JOIN reminders r ON r.invitation_id = i.id"
              " WHERE i.survey_id = ?1 AND i.sent_at >= ?2 AND "
              "i.sent_at < ?3" +
              invitations_sql.TraitConditions()},
         // The band counts per ratings text, for TagsOfGroups: a survey's
         // answers hold few distinct combinations, so each is parsed once.
         {&tags,
          "SELECT a.tag_ratings, count(*) FILTER (WHERE a.score <= 6), "
          "count(*) FILTER (WHERE a.score BETWEEN 7 AND 8), "
          "count(*) FILTER (WHERE a.score >= 9)" +
              answers + " AND a.tag_ratings <> '{}' GROUP BY a.tag_ratings"}});
  }
};

Status ReadScores(Statement *st, const ReportFilter &filter, const FilterSql &sql,
                  const TimeSpan &span, ScoreCounts *out) {
  BindSpan(st, filter, sql, span);
  while (st->Step()) {
    const int64_t score = st->Int(0);
    if (score >= 0 && score <= 10) (*out)[score] = st->Int(1);
  }
  Status s = st->status();
  st->Reset();
  return s;
}

Status ReadInvitations(CountStatements *st, const ReportFilter &filter,
                       const TimeSpan &span, PeriodCounts *out) {
  BindSpan(&st->invitations, filter, st->invitations_sql, span);
  if (st->invitations.Step()) {
    out->invitations_sent = st->invitations.Int(0);
    out->invitations_answered = st->invitations.Int(1);
    out->reminders_sent = st->invitations.Int(2);
    out->answered_after_reminder = st->invitations.Int(3);
  }
  const Status s = st->invitations.status();
  st->invitations.Reset();
  return s;
}

Status ReadPeriod(CountStatements *st, const ReportFilter &filter, const TimeSpan &span,
                  PeriodCounts *out) {
  Status s = ReadScores(&st->scores, filter, st->answers_sql, span, &out->scores);
  if (!s.ok()) return s;
  BindSpan(&st->comments, filter, st->answers_sql, span);
  if (st->comments.Step()) out->with_comment = st->comments.Int(0);
  s = st->comments.status();
  st->comments.Reset();
  if (!s.ok()) return s;
  BindSpan(&st->reviews, filter, st->answers_sql, span);
  if (st->reviews.Step()) out->review_clicks = st->reviews.Int(0);
  s = st->reviews.status();
  st->reviews.Reset();
  if (!s.ok()) return s;
  return ReadInvitations(st, filter, span, out);
}

// Band counts of the answers sharing one tag_ratings text.
struct BandCounts {
  int64_t detractors = 0, passives = 0, promoters = 0;
};

// The tag rows of the period from its answers grouped by ratings text:
// integer ratings 1..5 of a JSON object, by tag and rating.
std::vector<TagRatingCounts> TagsOfGroups(
    const std::unordered_map<std::string, BandCounts> &groups) {
  std::map<std::pair<std::string, int>, BandCounts> by_tag;
  for (const auto &[text, bands] : groups) {
    const nlohmann::json ratings = nlohmann::json::parse(text, nullptr, false);
    if (!ratings.is_object()) continue;
    for (auto it = ratings.begin(); it != ratings.end(); ++it) {
      if (!it->is_number_integer()) continue;
      const int64_t rating = it->get<int64_t>();
      if (rating < 1 || rating > 5) continue;
      BandCounts &c = by_tag[{it.key(), static_cast<int>(rating)}];
      c.detractors += bands.detractors;
      c.passives += bands.passives;
      c.promoters += bands.promoters;
    }
  }
  std::vector<TagRatingCounts> out;
  for (const auto &[key, c] : by_tag) {
    out.push_back({key.first, key.second, c.detractors, c.passives, c.promoters});
  }
  return out;
}

// Whether `ratings` (an answer's tag_ratings) gives `tag` an integer
// rating: the tag filter's condition (see FilterSql).
bool RatesTag(const std::string &ratings, const std::string &tag) {
  if (ratings == "{}") return false;
  const nlohmann::json parsed = nlohmann::json::parse(ratings, nullptr, false);
  if (!parsed.is_object()) return false;
  const auto it = parsed.find(tag);
  return it != parsed.end() && it->is_number_integer();
}

// A filter on a tag or a trait reads each answer's row (its ratings, its
// customer), which the per-count index reads would do once per count: the
// period, its comments, its tags, the previous period and every trend
// bucket. Here each answer of the report's time is read once instead, and
// counted in every span where it is its customer's latest.
Status CountInOnePass(SqlSession &db, const SqlDialect &dialect,
                      const ReportFilter &filter, const ReportSpans &spans,
                      ReportCounts *counts) {
  TimeSpan all = spans.period;
  all.from = std::min(all.from, spans.previous.from);
  all.to = std::max(all.to, spans.previous.to);
  for (const TimeSpan &t : spans.trend) {
    all.from = std::min(all.from, t.from);
    all.to = std::max(all.to, t.to);
  }
  // The customers a trait filter selects, each matched once, rather than
  // once per answer through a join.
  std::unordered_set<int64_t> customers;
  const bool by_customer = !filter.traits.empty();
  // The survey is ?1; the tag is matched below.
  const FilterSql sql(dialect, filter, 2, FilterSql::kWithoutTag);
  if (by_customer) {
    Statement c;
    Status cs = c.Prepare(db, "SELECT c.id FROM customers c WHERE c.survey_id = ?1" +
                                  sql.TraitConditions());
    if (!cs.ok()) return cs;
    c.Bind(1, filter.survey_id);
    sql.Bind(&c);
    while (c.Step()) customers.insert(c.Int(0));
    if (!c.status().ok()) return c.status();
  }
  Statement q;
  Status s = q.Prepare(db,
                       "SELECT a.score, a.answered_at, a.next_answer_at, "
                       "a.comment <> '', a.tag_ratings, a.customer_id, "
                       "a.review_clicked_at IS NOT NULL FROM answers a "
                       "WHERE a.survey_id = ?1 AND a.answered_at >= ?2 AND "
                       "a.answered_at < ?3" +
                           ScoreList(filter.band) + sql.CommentCondition());
  if (!s.ok()) return s;
  q.Bind(1, filter.survey_id).Bind(2, all.from).Bind(3, all.to);
  std::unordered_map<std::string, BandCounts> tag_groups;
  // Whether a ratings text rated the filter's tag, per distinct text: a
  // survey's answers hold few combinations, so each is parsed once.
  std::unordered_map<std::string, bool> rated;
  while (q.Step()) {
    if (by_customer && customers.count(q.Int(5)) == 0) continue;
    if (filter.tag) {
      const std::string text = q.Text(4);
      auto known = rated.find(text);
      if (known == rated.end()) {
        known = rated.emplace(text, RatesTag(text, *filter.tag)).first;
      }
      if (!known->second) continue;
    }
    const int64_t score = q.Int(0);
    if (score < 0 || score > 10) continue;
    const int64_t at = q.Int(1);
    const int64_t next = q.OptionalInt(2).value_or(INT64_MAX);
    const bool commented = q.Int(3) != 0;
    const bool reviewed = q.Int(6) != 0;
    // Counted in `span` when it is the customer's latest answer there.
    const auto latest_in = [&](const TimeSpan &span) {
      return at >= span.from && at < span.to && next >= span.to;
    };
    if (latest_in(spans.period)) {
      ++counts->period.scores[score];
      counts->period.with_comment += commented;
      counts->period.review_clicks += reviewed;
      const std::string ratings = q.Text(4);
      if (ratings != "{}") {
        BandCounts &g = tag_groups[ratings];
        const ScoreBand band = BandOfScore(static_cast<int>(score));
        ++(band == ScoreBand::kDetractor ? g.detractors
           : band == ScoreBand::kPassive ? g.passives
                                         : g.promoters);
      }
    }
    if (latest_in(spans.previous)) {
      ++counts->previous.scores[score];
      counts->previous.with_comment += commented;
      counts->previous.review_clicks += reviewed;
    }
    // The trend's buckets are in order: the last one starting at or before `at`.
    const auto bucket =
        std::upper_bound(spans.trend.begin(), spans.trend.end(), at,
                         [](int64_t t, const TimeSpan &span) { return t < span.from; });
    if (bucket != spans.trend.begin() && latest_in(*(bucket - 1))) {
      ++counts->trend[static_cast<size_t>(bucket - 1 - spans.trend.begin())][score];
    }
  }
  if (!q.status().ok()) return q.status();
  counts->tags = TagsOfGroups(tag_groups);
  return Status::Ok();
}

Status ReadTags(CountStatements *st, const ReportFilter &filter, const TimeSpan &span,
                std::vector<TagRatingCounts> *out) {
  BindSpan(&st->tags, filter, st->answers_sql, span);
  std::unordered_map<std::string, BandCounts> groups;
  while (st->tags.Step()) {
    groups[st->tags.Text(0)] = {st->tags.Int(1), st->tags.Int(2), st->tags.Int(3)};
  }
  Status s = st->tags.status();
  st->tags.Reset();
  if (s.ok()) *out = TagsOfGroups(groups);
  return s;
}

// Traits the customer page and the filters show as the customer's own
// fields, and the personal ones a filter has no use for.
bool IsIdentityTrait(const std::string &name) {
  for (const char *identity :
       {"email", "firstName", "first_name", "lastName", "last_name", "name", "createdAt",
        "created_at", "created"}) {
    if (name == identity) return true;
  }
  return false;
}

// A name a trait.NAME filter can use: [A-Za-z0-9_], 1 to 64 bytes.
bool IsFilterableTrait(const std::string &name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// A value a filter can name (report_routes.cc takes up to 500 bytes).
constexpr size_t kMaxTraitValueBytes = 500;

// Keeps the `max` traits held by most customers, then by name.
void KeepCommonest(std::vector<TraitSummary> *traits, size_t max) {
  std::sort(
      traits->begin(), traits->end(), [](const TraitSummary &a, const TraitSummary &b) {
        return a.customers != b.customers ? a.customers > b.customers : a.name < b.name;
      });
  if (traits->size() > max) traits->resize(max);
}

}  // namespace

Result<std::vector<TraitSummary>> SqlStore::ListTraits(int64_t survey_id, int max_names,
                                                       int max_values) {
  const std::string value = dialect().JsonMemberScalar("c.traits");
  std::vector<TraitSummary> out;
  Status s = Report([&](SqlSession &db) -> Status {
    out.clear();
    Statement q;
    // Grouped and ordered by the database, so that a trait with a value per
    // customer costs this side no more than max_values of them.
    Status ps = q.Prepare(db, "SELECT j.key, " + value + ", count(*) FROM customers c" +
                                  dialect().JsonMembers("c.traits") +
                                  " WHERE c.survey_id = ?1 AND " + value +
                                  " IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2");
    if (!ps.ok()) return ps;
    q.Bind(1, survey_id);
    std::optional<TraitSummary> current;
    const auto finish = [&] {
      if (!current) return;
      std::sort(current->values.begin(), current->values.end(),
                [](const TraitSummary::Value &a, const TraitSummary::Value &b) {
                  return a.customers != b.customers ? a.customers > b.customers
                                                    : a.value < b.value;
                });
      out.push_back(std::move(*current));
      current.reset();
      if (out.size() >= static_cast<size_t>(max_names) * 4) {
        KeepCommonest(&out, static_cast<size_t>(max_names));
      }
    };
    while (q.Step()) {
      const std::string name = q.Text(0);
      if (IsIdentityTrait(name) || !IsFilterableTrait(name)) continue;
      if (!current || current->name != name) {
        finish();
        current.emplace();
        current->name = name;
      }
      const int64_t customers = q.Int(2);
      current->customers += customers;
      std::string text = q.Text(1);
      if (current->values.size() < static_cast<size_t>(max_values) &&
          text.size() <= kMaxTraitValueBytes) {
        current->values.push_back({std::move(text), customers});
      } else {
        current->more_values = true;
      }
    }
    finish();
    KeepCommonest(&out, static_cast<size_t>(max_names));
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<ReportCounts> SqlStore::CountReport(const ReportFilter &filter,
                                           const ReportSpans &spans) {
  ReportCounts counts;
  Status s = Report([&](SqlSession &db) -> Status {
    counts = ReportCounts();
    counts.trend.resize(spans.trend.size());
    CountStatements st(dialect(), filter);
    Status rs = st.Prepare(db, filter);
    if (!rs.ok()) return rs;
    if (filter.tag || !filter.traits.empty()) {
      rs = CountInOnePass(db, dialect(), filter, spans, &counts);
      if (rs.ok()) rs = ReadInvitations(&st, filter, spans.period, &counts.period);
      if (rs.ok()) rs = ReadInvitations(&st, filter, spans.previous, &counts.previous);
      return rs;
    }
    rs = ReadPeriod(&st, filter, spans.period, &counts.period);
    if (rs.ok()) rs = ReadPeriod(&st, filter, spans.previous, &counts.previous);
    if (rs.ok()) rs = ReadTags(&st, filter, spans.period, &counts.tags);
    for (size_t i = 0; rs.ok() && i < spans.trend.size(); ++i) {
      rs = ReadScores(&st.scores, filter, st.answers_sql, spans.trend[i],
                      &counts.trend[i]);
    }
    return rs;
  });
  if (!s.ok()) return s;
  return counts;
}

Result<std::vector<ExportRow>> SqlStore::ExportAnswers(const ReportFilter &filter,
                                                       const TimeSpan &span,
                                                       const ExportCursor &after,
                                                       int limit) {
  const FilterSql sql(dialect(), filter, 7, FilterSql::kWithTag);  // after ?1..?6
  std::vector<ExportRow> rows;
  Status s = Report([&](SqlSession &db) -> Status {
    Statement q;
    // The export index walks (answered_at, invitation_id) in order, so a
    // page is one seek past the cursor; the band's score list must not lure
    // the planner onto the scores index (which would sort every page).
    Status ps = q.Prepare(
        db, std::string(kExportColumns) + dialect().IndexedBy("answers_export") +
                " JOIN customers c ON c.id = a.customer_id "
                "WHERE a.survey_id = ?1 AND a.answered_at >= ?2 AND a.answered_at < ?3 "
                "AND (a.answered_at > ?4 OR a.invitation_id > ?5)" +
                ScoreList(filter.band) + sql.AnswerConditions() + sql.TraitConditions() +
                " ORDER BY a.answered_at, a.invitation_id LIMIT ?6");
    if (!ps.ok()) return ps;
    q.Bind(1, filter.survey_id)
        .Bind(2, std::max(span.from, after.answered_at))
        .Bind(3, span.to)
        .Bind(4, after.answered_at)
        .Bind(5, after.invitation_id)
        .Bind(6, int64_t{limit});
    sql.Bind(&q);
    return ReadExportRows(&q, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

Result<std::vector<ExportRow>> SqlStore::LatestComments(const ReportFilter &filter,
                                                        const TimeSpan &span, int limit) {
  const FilterSql sql(dialect(), filter, 5, FilterSql::kWithTag);  // after ?1..?4
  std::vector<ExportRow> rows;
  Status s = Report([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(
        db, std::string(kExportColumns) +
                " JOIN customers c ON c.id = a.customer_id WHERE a.survey_id = ?1 "
                "AND a.answered_at >= ?2 AND a.answered_at < ?3 AND a.comment <> ''" +
                ScoreList(filter.band) + sql.AnswerConditions() + sql.TraitConditions() +
                " ORDER BY a.answered_at DESC, a.invitation_id DESC LIMIT ?4");
    if (!ps.ok()) return ps;
    q.Bind(1, filter.survey_id)
        .Bind(2, span.from)
        .Bind(3, span.to)
        .Bind(4, int64_t{limit});
    sql.Bind(&q);
    return ReadExportRows(&q, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace callexa
