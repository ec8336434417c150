#include "reports/csv.h"

#include "common/utf8.h"

namespace callexa {
namespace {

bool StartsLikeAFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

bool NeedsQuotes(std::string_view text) {
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::string CsvCell(std::string_view text) {
  std::string cell = ToValidUtf8(text);
  if (StartsLikeAFormula(cell)) cell.insert(cell.begin(), '\'');
  if (!NeedsQuotes(cell)) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

void AppendCsvRow(const std::vector<std::string> &cells, std::string *out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(CsvCell(cells[i]));
  }
  out->append("\r\n");
}

}  // namespace callexa
