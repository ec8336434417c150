// CSV as spreadsheets read it (RFC 4180): cells joined by commas, rows
// ended by CRLF, a cell quoted when it holds a comma, a quote, CR or LF
// (quotes doubled). Cells are made safe against formula injection: one
// that starts with = + - @ tab or CR gets a leading ', so that Excel,
// LibreOffice and Google Sheets show it as text and never evaluate it
// (OWASP, "CSV Injection").
#ifndef CALLEXA_REPORTS_CSV_H_
#define CALLEXA_REPORTS_CSV_H_

#include <string>
#include <string_view>
#include <vector>

namespace callexa {

// Starts a UTF-8 file, so that Excel does not read it as Windows-1252.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// `text` as one cell: valid UTF-8 (ill-formed bytes become U+FFFD),
// formula-safe, quoted when it must be.
std::string CsvCell(std::string_view text);

// Appends `cells` as one row, each through CsvCell, ended by CRLF.
void AppendCsvRow(const std::vector<std::string> &cells, std::string *out);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_CSV_H_
