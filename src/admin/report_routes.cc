#include "admin/report_routes.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include "common/time_format.h"
#include "reports/csv_export.h"
#include "reports/trend.h"
#include "survey/survey_content.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr size_t kMaxTraitFilters = 10;
constexpr size_t kMaxTraitNameBytes = 64;
constexpr size_t kMaxValueBytes = 500;
constexpr std::string_view kTraitPrefix = "trait.";
constexpr size_t kMaxColumns = 20;

bool IsTraitName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTraitNameBytes) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// `from` or `to`: a date or a date-time. A date as `to` means the end of
// that day, so that from=2026-11-01&to=2026-11-30 is all of November.
Status ReadTime(const std::string &name, const std::string &text,
                std::optional<int64_t> *out) {
  const std::optional<int64_t> t = ParseIso8601(text);
  if (!t) {
    return Status::InvalidArgument(
        name + " must be a date (YYYY-MM-DD) or an RFC 3339 date-time");
  }
  const bool date_only = text.size() == 10;
  *out = name == "to" && date_only ? *t + kSecondsPerDay : *t;
  return Status::Ok();
}

Status ReadTrait(const std::string &name, const std::string &value,
                 std::vector<TraitFilter> *traits) {
  const std::string trait = name.substr(kTraitPrefix.size());
  if (!IsTraitName(trait)) {
    return Status::InvalidArgument(
        name + ": a trait name is 1 to 64 letters, digits or underscores");
  }
  if (traits->size() == kMaxTraitFilters) {
    return Status::InvalidArgument("at most 10 trait.<name> parameters");
  }
  if (value.size() > kMaxValueBytes) {
    return Status::InvalidArgument(name + " must be at most 500 bytes");
  }
  traits->push_back({trait, value});
  return Status::Ok();
}

// columns=user_id,trait.plan: the export's extra columns, each once.
Status ReadColumns(const std::string &value, std::vector<std::string> *columns) {
  std::set<std::string> seen;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    const std::string column = value.substr(start, comma - start);
    start = comma + 1;
    const bool trait = column.compare(0, kTraitPrefix.size(), kTraitPrefix) == 0 &&
                       IsTraitName(column.substr(kTraitPrefix.size()));
    if (column != "user_id" && !trait) {
      return Status::InvalidArgument("columns: \"" + column.substr(0, 80) +
                                     "\" is not user_id or trait.<name>");
    }
    if (!seen.insert(column).second) {
      return Status::InvalidArgument("columns names " + column + " twice");
    }
    if (columns->size() == kMaxColumns) {
      return Status::InvalidArgument("columns may name at most 20 columns");
    }
    columns->push_back(column);
  }
  return Status::Ok();
}

Status ReadParam(const std::string &name, const std::string &value, ReportQuery *q,
                 std::optional<int64_t> *from, std::optional<int64_t> *to) {
  if (name == "from") return ReadTime(name, value, from);
  if (name == "to") return ReadTime(name, value, to);
  if (name == "interval") {
    const auto interval = ParseTrendInterval(value);
    if (!interval) return Status::InvalidArgument("interval must be day, week or month");
    q->interval = *interval;
    return Status::Ok();
  }
  if (name == "band") {
    q->filter.band = ParseScoreBand(value);
    if (!q->filter.band) {
      return Status::InvalidArgument("band must be detractor, passive or promoter");
    }
    return Status::Ok();
  }
  if (name == "tag") {
    if (value.empty() || value.size() > kMaxValueBytes) {
      return Status::InvalidArgument("tag must be a tag name (1 to 500 bytes)");
    }
    q->filter.tag = value;
    return Status::Ok();
  }
  if (name == "has_comment") {
    if (value != "true" && value != "false") {
      return Status::InvalidArgument("has_comment must be true or false");
    }
    q->filter.has_comment = value == "true";
    return Status::Ok();
  }
  if (name == "columns") return ReadColumns(value, &q->columns);
  if (name.compare(0, kTraitPrefix.size(), kTraitPrefix) == 0) {
    return ReadTrait(name, value, &q->filter.traits);
  }
  return Status::InvalidArgument(
      "unknown parameter " + name +
      " (from, to, interval, band, tag, has_comment, trait.<name>, columns)");
}

json Rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;  // never -0
}

json Rounded(const std::optional<double> &value, int decimals) {
  return value ? Rounded(*value, decimals) : json(nullptr);
}

// The figures the period and the previous one both show.
json HeadlineJson(const PeriodStats &p) {
  const NpsFigures &n = p.nps;
  return {
      {"from", FormatIso8601(p.span.from)},
      {"to", FormatIso8601(p.span.to)},
      {"nps", Rounded(n.nps, 2)},
      {"margin_of_error", Rounded(n.margin_of_error, 2)},
      {"counts",
       {{"answers", n.answers},
        {"promoters", n.promoters},
        {"passives", n.passives},
        {"detractors", n.detractors},
        {"promoters_pct", Rounded(n.promoters_pct, 2)},
        {"passives_pct", Rounded(n.passives_pct, 2)},
        {"detractors_pct", Rounded(n.detractors_pct, 2)},
        {"with_comment", p.with_comment},
        {"review_clicks", p.review_clicks},
        {"invitations_sent", p.invitations_sent},
        {"invitations_answered", p.invitations_answered},
        {"reminders_sent", p.reminders_sent},
        {"answered_after_reminder", p.answered_after_reminder}}},
      {"response_rate", Rounded(p.response_rate, 4)},
      {"comment_rate", Rounded(p.comment_rate, 4)},
  };
}

json TagJson(const TagStats &t) {
  json by_rating = json::object();
  for (const auto &[rating, nps] : t.nps_by_rating) {
    by_rating[std::to_string(rating)] = Rounded(nps, 2);
  }
  return {{"name", t.name},
          {"average", Rounded(t.average, 2)},
          {"count", t.count},
          {"ratings", t.ratings},
          {"nps_by_rating", std::move(by_rating)}};
}

json TrendPointJson(const TrendPoint &p) {
  return {{"start", FormatIso8601(p.span.from)},
          {"end", FormatIso8601(p.span.to)},
          {"answers", p.nps.answers},
          {"nps", Rounded(p.nps.nps, 2)},
          {"margin_of_error", Rounded(p.nps.margin_of_error, 2)}};
}

// The parts every report route starts with: a GET, the survey, the query.
Status Prepare(SurveyStore *surveys, const HttpRequest &request, int64_t survey_id,
               int64_t now, Survey *survey, ReportQuery *query) {
  if (request.method != "GET" && request.method != "HEAD") {
    return Status::MethodNotAllowed("use GET on api/surveys/{id}/" +
                                    request.path.substr(request.path.rfind('/') + 1));
  }
  auto found = surveys->GetSurvey(survey_id);
  if (!found.ok()) return found.status();
  auto read = ReadReportQuery(request.query, now);
  if (!read.ok()) return read.status();
  *survey = std::move(found.value());
  *query = std::move(read.value());
  query->filter.survey_id = survey_id;
  return Status::Ok();
}

// The owner's tags and questions; none when the content does not parse.
SurveyPageContent PageContent(const Survey &survey) {
  auto content = ParseSurveyContent(survey.content_json);
  return content.ok() ? content->page : SurveyPageContent{};
}

std::string Day(int64_t t) { return FormatIso8601(t).substr(0, 10); }

}  // namespace

bool IsReportRoute(const std::vector<std::string> &parts) {
  return parts.size() == 4 && parts[0] == "api" && parts[1] == "surveys" &&
         (parts[3] == "stats" || parts[3] == "responses.csv" || parts[3] == "traits");
}

Status ReadTraitFilters(std::string_view query, std::vector<TraitFilter> *traits) {
  std::set<std::string> seen;
  for (const auto &[name, value] : QueryParams(query)) {
    if (name.compare(0, kTraitPrefix.size(), kTraitPrefix) != 0) continue;
    if (!seen.insert(name).second) {
      return Status::InvalidArgument(name + " is given more than once");
    }
    Status s = ReadTrait(name, value, traits);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<ReportQuery> ReadReportQuery(std::string_view query, int64_t now) {
  ReportQuery q;
  std::optional<int64_t> from, to;
  std::set<std::string> seen;
  for (const auto &[name, value] : QueryParams(query)) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument(name + " is given more than once");
    }
    Status s = ReadParam(name, value, &q, &from, &to);
    if (!s.ok()) return s;
  }
  // Through the current second: what was just answered is in.
  q.period.to = to.value_or(now + 1);
  q.period.from = from.value_or(q.period.to - kDefaultReportDays * kSecondsPerDay);
  if (q.period.from >= q.period.to) {
    return Status::InvalidArgument("from must be before to");
  }
  const int64_t points = CountTrendSpans(q.period.from, q.period.to, q.interval);
  if (points > kMaxTrendPoints) {
    return Status::InvalidArgument(
        "interval=" + std::string(TrendIntervalName(q.interval)) + " gives " +
        std::to_string(points) +
        " trend points for this period, at most 1000: use a "
        "longer interval or a shorter period");
  }
  return q;
}

json NpsReportToJson(const NpsReport &r) {
  json out = HeadlineJson(r.current);
  out["interval"] = TrendIntervalName(r.interval);
  out["distribution"] = r.current.distribution;
  json tags = json::array();
  for (const TagStats &t : r.tags) tags.push_back(TagJson(t));
  out["tags"] = std::move(tags);
  json trend = json::array();
  for (const TrendPoint &p : r.trend) trend.push_back(TrendPointJson(p));
  out["trend"] = std::move(trend);
  out["previous"] = HeadlineJson(r.previous);
  out["change"] = Rounded(r.change.change, 2);
  out["change_is_significant"] = r.change.significant;
  return out;
}

HttpResponse HandleStatsRoute(SurveyStore *surveys, ReportStore *reports,
                              const HttpRequest &request, int64_t survey_id,
                              int64_t now) {
  Survey survey;
  ReportQuery query;
  Status s = Prepare(surveys, request, survey_id, now, &survey, &query);
  if (!s.ok()) return JsonError(s);
  if (!query.columns.empty()) {
    return JsonError(Status::InvalidArgument("columns applies to responses.csv only"));
  }
  auto report = RunNpsReport(reports, query.filter, query.period, query.interval,
                             PageContent(survey).tags);
  if (!report.ok()) return JsonError(report.status());
  json out = NpsReportToJson(*report);
  out["survey_id"] = survey_id;
  return JsonResponse(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse HandleResponsesCsvRoute(SurveyStore *surveys, ReportStore *reports,
                                     const HttpRequest &request, int64_t survey_id,
                                     int64_t now) {
  Survey survey;
  ReportQuery query;
  Status s = Prepare(surveys, request, survey_id, now, &survey, &query);
  if (!s.ok()) return JsonError(s);
  const SurveyPageContent page = PageContent(survey);
  ExportColumns columns;
  columns.tags = page.tags;
  for (const ExtraQuestion &q : page.questions) columns.question_ids.push_back(q.id);
  for (const std::string &column : query.columns) {
    if (column == "user_id") {
      columns.user_id = true;
    } else {
      columns.traits.push_back(column.substr(kTraitPrefix.size()));
    }
  }
  auto stream =
      CsvExportStream::Start(reports, query.filter, query.period, std::move(columns));
  if (!stream.ok()) return JsonError(stream.status());
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.stream = std::move(stream.value());
  // The last day the file covers, as the owner would name the period.
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"responses-survey-" +
                             std::to_string(survey_id) + "-" + Day(query.period.from) +
                             "-to-" + Day(query.period.to - 1) + ".csv\"");
  return r;
}

HttpResponse HandleTraitsRoute(SurveyStore *surveys, const HttpRequest &request,
                               int64_t survey_id) {
  if (request.method != "GET" && request.method != "HEAD") {
    return JsonError(Status::MethodNotAllowed("use GET on api/surveys/{id}/traits"));
  }
  auto found = surveys->GetSurvey(survey_id);
  if (!found.ok()) return JsonError(found.status());
  auto traits = surveys->ListTraits(survey_id, kTraitNames, kTraitValues);
  if (!traits.ok()) return JsonError(traits.status());
  json list = json::array();
  for (const TraitSummary &t : *traits) {
    json values = json::array();
    for (const TraitSummary::Value &v : t.values) {
      values.push_back({{"value", v.value}, {"customers", v.customers}});
    }
    list.push_back({{"name", t.name},
                    {"customers", t.customers},
                    {"values", std::move(values)},
                    {"more_values", t.more_values}});
  }
  return JsonResponse(200, json{{"traits", std::move(list)}}.dump(
                               -1, ' ', false, json::error_handler_t::replace));
}

}  // namespace callexa
