#include "reports/csv_export.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "common/time_format.h"
#include "reports/csv.h"

namespace callexa {

std::string CsvExportHeader(const ExportColumns &columns) {
  std::vector<std::string> cells = {"answered_at", "email", "first_name", "last_name",
                                    "score",       "band",  "comment"};
  for (const std::string &tag : columns.tags) cells.push_back("tag:" + tag);
  for (const std::string &id : columns.question_ids) cells.push_back("question:" + id);
  cells.push_back("consent");
  if (columns.user_id) cells.push_back("user_id");
  for (const std::string &trait : columns.traits) cells.push_back("trait:" + trait);
  std::string out;
  AppendCsvRow(cells, &out);
  return out;
}

void AppendCsvExportRow(const ExportRow &row, const ExportColumns &columns,
                        std::string *out) {
  std::vector<std::string> cells = {FormatIso8601(row.answered_at),
                                    row.email,
                                    row.first_name,
                                    row.last_name,
                                    std::to_string(row.score),
                                    ScoreBandName(BandOfScore(row.score)),
                                    row.comment};
  for (const std::string &tag : columns.tags) {
    const auto rating = row.tag_ratings.find(tag);
    cells.push_back(rating == row.tag_ratings.end() ? std::string()
                                                    : std::to_string(rating->second));
  }
  for (const std::string &id : columns.question_ids) {
    const auto text = row.extra_answers.find(id);
    cells.push_back(text == row.extra_answers.end() ? std::string() : text->second);
  }
  cells.push_back(row.consent ? "yes" : "no");
  if (columns.user_id) cells.push_back(row.user_id);
  if (!columns.traits.empty()) {
    const nlohmann::json traits = nlohmann::json::parse(row.traits_json, nullptr, false);
    for (const std::string &name : columns.traits) {
      const auto it = traits.is_object() ? traits.find(name) : traits.end();
      if (it == traits.end() || it->is_null()) {
        cells.emplace_back();
      } else if (it->is_string()) {
        cells.push_back(it->get<std::string>());
      } else {
        cells.push_back(
            it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
  }
  AppendCsvRow(cells, out);
}

CsvExportStream::CsvExportStream(ReportStore *store, ReportFilter filter, TimeSpan span,
                                 ExportColumns columns, int page_rows)
    : store_(store),
      filter_(std::move(filter)),
      span_(span),
      columns_(std::move(columns)),
      page_rows_(page_rows),
      cursor_{span.from, 0} {}

Result<std::shared_ptr<CsvExportStream>> CsvExportStream::Start(ReportStore *store,
                                                                ReportFilter filter,
                                                                TimeSpan span,
                                                                ExportColumns columns,
                                                                int page_rows) {
  std::shared_ptr<CsvExportStream> stream(
      new CsvExportStream(store, std::move(filter), span, std::move(columns), page_rows));
  auto page = stream->ReadPage();
  if (!page.ok()) return page.status();
  stream->first_ = std::string(kUtf8Bom) + CsvExportHeader(stream->columns_) + *page;
  return stream;
}

Result<std::string> CsvExportStream::Next() {
  if (!first_.empty()) return std::exchange(first_, std::string());
  if (done_) return std::string();
  return ReadPage();
}

Result<std::string> CsvExportStream::ReadPage() {
  auto rows = store_->ExportAnswers(filter_, span_, cursor_, page_rows_);
  if (!rows.ok()) return rows.status();
  if (static_cast<int>(rows->size()) < page_rows_) done_ = true;
  std::string out;
  for (const ExportRow &row : *rows) AppendCsvExportRow(row, columns_, &out);
  if (!rows->empty()) cursor_ = {rows->back().answered_at, rows->back().invitation_id};
  return out;
}

}  // namespace callexa
