#include "reports/csv.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(CsvTest, PlainCellsStayAsTheyAre) {
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("Quick support"), "Quick support");
  EXPECT_EQ(CsvCell("Gr\xC3\xBC\xC3\x9F"
                    "e"),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(CsvCell("it's fine"), "it's fine");
}

TEST(CsvTest, QuotesWhatRfc4180Requires) {
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("line 1\nline 2"), "\"line 1\nline 2\"");
  EXPECT_EQ(CsvCell("line 1\r\nline 2"), "\"line 1\r\nline 2\"");
  EXPECT_EQ(CsvCell("\""), "\"\"\"\"");
}

TEST(CsvTest, FormulasBecomeText) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tcmd"), "'\tcmd");
  EXPECT_EQ(CsvCell("\rcmd"), "\"'\rcmd\"");  // CR also needs quotes
  EXPECT_EQ(CsvCell("a=b"), "a=b");           // only a leading sign counts
  EXPECT_EQ(CsvCell("'quoted"), "'quoted");
}

TEST(CsvTest, IllFormedUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(CsvCell("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
}

TEST(CsvTest, RowsEndInCrLf) {
  std::string out;
  AppendCsvRow({"a", "b,c", ""}, &out);
  AppendCsvRow({"=1"}, &out);
  EXPECT_EQ(out, "a,\"b,c\",\r\n'=1\r\n");
  EXPECT_EQ(kUtf8Bom, "\xEF\xBB\xBF");
}

}  // namespace
}  // namespace callexa
