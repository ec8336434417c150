// The answers export (GET api/surveys/{id}/responses.csv): one CSV row per
// answer, read from the store a page at a time (keyset pagination) and
// sent as it is read, so that an export of any size holds one page in
// memory and a thread for one page at a time.
#ifndef CALLEXA_REPORTS_CSV_EXPORT_H_
#define CALLEXA_REPORTS_CSV_EXPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/http_exchange.h"
#include "store/report_store.h"

namespace callexa {

// The survey's own columns, after the fixed ones.
struct ExportColumns {
  std::vector<std::string> tags;          // a "tag:<name>" column each: the rating
  std::vector<std::string> question_ids;  // a "question:<id>" column each: the text
  // Chosen by the owner (columns=user_id,trait.plan), after consent:
  bool user_id = false;             // the customer's Segment userId
  std::vector<std::string> traits;  // a "trait:<name>" column each
};

// Rows per page: about 0.5 MB of CSV, one store read.
constexpr int kExportPageRows = 2000;

// answered_at,email,first_name,last_name,score,band,comment,tag:...,
// question:...,consent[,user_id][,trait:...] (CRLF-ended).
std::string CsvExportHeader(const ExportColumns &columns);
// One answer: answered_at as ISO-8601 UTC, band as "detractor" /
// "passive" / "promoter", a tag left unrated empty, consent "yes" / "no".
void AppendCsvExportRow(const ExportRow &row, const ExportColumns &columns,
                        std::string *out);

class CsvExportStream : public BodyStream {
 public:
  // Reads the first page at once, so that a failing store is still an
  // error answer (the headers are not sent yet), not a cut body. `store`
  // must outlive the stream.
  static Result<std::shared_ptr<CsvExportStream>> Start(ReportStore *store,
                                                        ReportFilter filter,
                                                        TimeSpan span,
                                                        ExportColumns columns,
                                                        int page_rows = kExportPageRows);

  // First the UTF-8 BOM, the header and the first page; then a page per
  // call; "" once every answer is out.
  Result<std::string> Next() override;

 private:
  CsvExportStream(ReportStore *store, ReportFilter filter, TimeSpan span,
                  ExportColumns columns, int page_rows);
  // The next page as CSV rows; sets done_ after the last one.
  Result<std::string> ReadPage();

  ReportStore *store_;
  const ReportFilter filter_;
  const TimeSpan span_;
  const ExportColumns columns_;
  const int page_rows_;
  ExportCursor cursor_;
  std::string first_;  // the piece Start read, until Next hands it out
  bool done_ = false;
};

}  // namespace callexa

#endif  // CALLEXA_REPORTS_CSV_EXPORT_H_
