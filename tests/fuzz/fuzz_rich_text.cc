// libFuzzer target: a rich-text document as the editor sends it (any JSON
// text), validated, rendered, and read back from its canonical form.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "richtext/rich_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const nlohmann::json value = nlohmann::json::parse(data, data + size, nullptr, false);
  if (value.is_discarded()) return 0;
  auto text = callexa::ReadRichText(value, "content.intro", 2000);
  if (!text.ok()) return 0;
  const std::string html = callexa::RichTextToHtml(*text, {"margin:0;", "color:#000;"});
  // Only our own tags: any "<" of the input is escaped.
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const std::string tag = html.substr(at, 8);
    if (tag.rfind("<p", 0) != 0 && tag.rfind("</p>", 0) != 0 &&
        tag.rfind("<br>", 0) != 0 && tag.rfind("<strong>", 0) != 0 &&
        tag.rfind("</strong", 0) != 0 && tag.rfind("<em>", 0) != 0 &&
        tag.rfind("</em>", 0) != 0 && tag.rfind("<a href", 0) != 0 &&
        tag.rfind("</a>", 0) != 0) {
      __builtin_trap();
    }
  }
  (void)callexa::RichTextToPlainText(*text);
  auto again = callexa::ReadRichText(callexa::RichTextToJson(*text), "x", 2000);
  if (!again.ok() || !(*again == *text)) __builtin_trap();
  return 0;
}
