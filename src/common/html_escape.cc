#include "common/html_escape.h"

namespace callexa {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlText(std::string_view text) {
  const std::string escaped = HtmlEscape(text);
  std::string out;
  for (char c : escaped) {
    if (c == '\n') {
      out += "<br>\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace callexa
