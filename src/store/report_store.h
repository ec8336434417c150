// The reports' side of the store: answers counted per time span (the
// period, the previous one, each trend bucket), and the answers themselves
// page by page for exports. A backend counts where the data is (SQL
// aggregates over an index), so that a report over a million answers
// never loads them; reports/ turns the counts into NPS, margins and rates.
//
// Reports are long reads: a backend runs them where they cannot hold up
// ingest commits (SQLite: a read-only connection of their own).
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_REPORT_STORE_H_
#define CALLEXA_STORE_REPORT_STORE_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace callexa {

// NPS bands: detractors 0-6, passives 7-8, promoters 9-10.
enum class ScoreBand { kDetractor, kPassive, kPromoter };

ScoreBand BandOfScore(int score);
const char *ScoreBandName(ScoreBand band);  // "detractor", "passive", "promoter"
std::optional<ScoreBand> ParseScoreBand(std::string_view name);

// Trend buckets, in UTC: days; ISO weeks (from Monday 00:00); calendar
// months (reports/trend.h cuts a period into them).
enum class TrendInterval { kDay, kWeek, kMonth };

const char *TrendIntervalName(TrendInterval interval);  // "day", "week", "month"
std::optional<TrendInterval> ParseTrendInterval(std::string_view name);

// A customer trait to match: "first_name", "last_name" and "gender" are the
// customer's own fields; any other name is a key of the traits the last
// identify sent (strings match as they are, numbers in their JSON form
// "42", booleans as "true"/"false").
struct TraitFilter {
  std::string name;  // [A-Za-z0-9_]+, checked by the caller
  std::string value;
};

// Which answers a report covers, beside its time span. Answer filters
// (band, tag, has_comment) apply to each customer's latest answer, so a
// customer who moved from promoter to detractor in a span is a detractor
// there, never a promoter.
struct ReportFilter {
  int64_t survey_id = 0;
  std::optional<ScoreBand> band;
  std::optional<std::string> tag;  // answers that rated this tag
  std::optional<bool> has_comment;
  std::vector<TraitFilter> traits;  // all must match
};

// Unix seconds [from, to).
struct TimeSpan {
  int64_t from = 0;
  int64_t to = 0;
};

// Answers per score, 0..10.
using ScoreCounts = std::array<int64_t, 11>;

// The counted answers that gave `tag` the rating `rating`, by band.
struct TagRatingCounts {
  std::string tag;
  int rating = 0;  // 1..5
  int64_t detractors = 0, passives = 0, promoters = 0;
};

struct PeriodCounts {
  ScoreCounts scores{};
  int64_t with_comment = 0;  // of the counted answers, those with a comment
  // Of the counted answers, those whose promoter followed the thank-you
  // page's review invitation (answers.review_clicked_at set).
  int64_t review_clicks = 0;
  // Invitations sent in the span to customers matching the trait filters
  // (answer filters do not apply: a response rate is about invitations),
  // and of those the answered ones (answered at any time).
  int64_t invitations_sent = 0;
  int64_t invitations_answered = 0;
  // Of those invitations, the ones whose reminder went out, and of these
  // the ones answered after it (answered_at after the reminder's sent_at).
  int64_t reminders_sent = 0;
  int64_t answered_after_reminder = 0;
};

// The spans of one report.
struct ReportSpans {
  TimeSpan period;              // scores, comments, invitations, tags
  TimeSpan previous;            // scores, comments, invitations
  std::vector<TimeSpan> trend;  // scores
};

// In every span a customer counts once, by their latest answer in it
// (answered_at, then the later invitation on a tie).
struct ReportCounts {
  PeriodCounts period, previous;
  std::vector<TagRatingCounts> tags;  // of the period, by tag then rating; non-zero rows
  std::vector<ScoreCounts> trend;     // one per ReportSpans::trend span, in order
};

// One answer of an export, with its customer.
struct ExportRow {
  int64_t invitation_id = 0;
  int64_t answered_at = 0;
  std::string email, first_name, last_name, user_id;
  std::string traits_json;  // the customer's, as the last identify left them
  int score = 0;
  std::string comment;
  std::map<std::string, int> tag_ratings;
  std::map<std::string, std::string> extra_answers;
  bool consent = false;
};

// Where an export page starts: after this (answered_at, invitation_id).
struct ExportCursor {
  int64_t answered_at = 0;
  int64_t invitation_id = 0;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // The counts of the answers `filter` selects in each span, in one read
  // (the spans see the same data).
  virtual Result<ReportCounts> CountReport(const ReportFilter &filter,
                                           const ReportSpans &spans) = 0;
  // Every answer `filter` selects in `span` (not one per customer: an
  // export is the raw data), ordered by (answered_at, invitation_id), the
  // first `limit` after `after`. Each page is its own read, so that an
  // export never pins old data: an answer changed between pages may show
  // again at its new time.
  virtual Result<std::vector<ExportRow>> ExportAnswers(const ReportFilter &filter,
                                                       const TimeSpan &span,
                                                       const ExportCursor &after,
                                                       int limit) = 0;
  // The latest `limit` answers with a comment that `filter` selects in
  // `span`, newest first (by answered_at, then invitation_id).
  virtual Result<std::vector<ExportRow>> LatestComments(const ReportFilter &filter,
                                                        const TimeSpan &span,
                                                        int limit) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_REPORT_STORE_H_
