#include "reports/csv_export.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/csv.h"

namespace callexa {
namespace {

constexpr int64_t kAt = 1795860000;  // 2026-11-28T10:00:00Z

ExportRow Row(int64_t id, int64_t at, int score) {
  ExportRow r;
  r.invitation_id = id;
  r.answered_at = at;
  r.email = "c" + std::to_string(id) + "@example.com";
  r.score = score;
  return r;
}

// Serves `rows` (ordered) in pages after the cursor, as a store would.
class PagedStore : public ReportStore {
 public:
  Result<ReportCounts> CountReport(const ReportFilter &, const ReportSpans &) override {
    return ReportCounts{};
  }
  Result<std::vector<ExportRow>> ExportAnswers(const ReportFilter &filter,
                                               const TimeSpan &span,
                                               const ExportCursor &after,
                                               int limit) override {
    ++calls;
    last_survey = filter.survey_id;
    last_span = span;
    if (calls == fail_on_call) return Status::Unavailable("the database is busy");
    std::vector<ExportRow> page;
    for (const ExportRow &r : rows) {
      const bool past =
          r.answered_at > after.answered_at ||
          (r.answered_at == after.answered_at && r.invitation_id > after.invitation_id);
      if (past && static_cast<int>(page.size()) < limit) page.push_back(r);
    }
    return page;
  }
  Result<std::vector<ExportRow>> LatestComments(const ReportFilter &, const TimeSpan &,
                                                int) override {
    return std::vector<ExportRow>{};
  }

  std::vector<ExportRow> rows;
  int calls = 0;
  int fail_on_call = 0;
  int64_t last_survey = 0;
  TimeSpan last_span;
};

TEST(CsvExportTest, HeaderHasTheSurveysColumns) {
  ExportColumns columns;
  columns.tags = {"Support", "Price, value"};
  columns.question_ids = {"feature"};
  EXPECT_EQ(CsvExportHeader(columns),
            "answered_at,email,first_name,last_name,score,band,comment,tag:Support,"
            "\"tag:Price, value\",question:feature,consent\r\n");
}

TEST(CsvExportTest, RowFormatsEveryColumn) {
  ExportColumns columns;
  columns.tags = {"Support", "Price"};
  columns.question_ids = {"feature", "other"};
  ExportRow r = Row(3, kAt, 6);
  r.first_name = "Ada";
  r.last_name = "=cmd|' /C calc'!A0";
  r.comment = "Slow \"support\",\r\nsorry";
  r.tag_ratings = {{"Support", 2}, {"Gone", 5}};
  r.extra_answers = {{"feature", "-dark mode"}};
  r.consent = true;
  std::string out;
  AppendCsvExportRow(r, columns, &out);
  EXPECT_EQ(out,
            "2026-11-28T10:00:00Z,c3@example.com,Ada,'=cmd|' /C calc'!A0,6,detractor,"
            "\"Slow \"\"support\"\",\r\nsorry\",2,,'-dark mode,,yes\r\n");
}

TEST(CsvExportTest, StreamsPagesAfterTheBomAndHeader) {
  PagedStore store;
  for (int i = 1; i <= 5; ++i) store.rows.push_back(Row(i, kAt + (i / 2), 9));
  ReportFilter filter;
  filter.survey_id = 4;
  auto stream = CsvExportStream::Start(&store, filter, {kAt, kAt + 10}, {}, 2);
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  EXPECT_EQ(store.calls, 1);  // the first page is read at once
  EXPECT_EQ(store.last_survey, 4);
  EXPECT_EQ(store.last_span.to, kAt + 10);

  std::string body;
  std::vector<std::string> pieces;
  for (;;) {
    auto piece = (*stream)->Next();
    ASSERT_TRUE(piece.ok());
    if (piece->empty()) break;
    pieces.push_back(*piece);
    body += *piece;
  }
  ASSERT_EQ(pieces.size(), 3u);  // 2 + 2 + 1 rows
  EXPECT_EQ(body.rfind("\xEF\xBB\xBF"
                       "answered_at,",
                       0),
            0u);
  for (int i = 1; i <= 5; ++i) {
    const std::string email = "c" + std::to_string(i) + "@example.com";
    EXPECT_EQ(body.find(email), body.rfind(email)) << email << " once";
    EXPECT_NE(body.find(email), std::string::npos) << email;
  }
  EXPECT_EQ(store.calls, 3);  // a short page ends it without another read
  EXPECT_TRUE((*stream)->Next()->empty());
}

TEST(CsvExportTest, AnEmptyExportIsTheHeaderAlone) {
  PagedStore store;
  auto stream = CsvExportStream::Start(&store, {}, {0, 1}, {});
  ASSERT_TRUE(stream.ok());
  auto first = (*stream)->Next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::string(kUtf8Bom) + CsvExportHeader({}));
  EXPECT_TRUE((*stream)->Next()->empty());
}

TEST(CsvExportTest, StoreErrors) {
  PagedStore store;
  store.fail_on_call = 1;
  auto failed = CsvExportStream::Start(&store, {}, {0, 1}, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kUnavailable);

  PagedStore later;
  for (int i = 1; i <= 4; ++i) later.rows.push_back(Row(i, kAt, 9));
  later.fail_on_call = 2;
  auto stream = CsvExportStream::Start(&later, {}, {0, kAt + 1}, {}, 2);
  ASSERT_TRUE(stream.ok());
  EXPECT_TRUE((*stream)->Next().ok());
  EXPECT_FALSE((*stream)->Next().ok());  // the body is cut
}

}  // namespace
}  // namespace callexa
