// A guard for JSON request bodies: nlohmann::json parses any depth without
// recursion, but copying, comparing, merge-patching and serialising a value
// recurse once per level, so a body of a few hundred KB nesting 100,000
// levels would overflow a pool thread's stack. Bodies are checked with
// JsonNestingDepth before they are parsed.
#ifndef CALLEXA_COMMON_JSON_DEPTH_H_
#define CALLEXA_COMMON_JSON_DEPTH_H_

#include <string_view>

namespace callexa {

// Deeper than any body we accept needs (a rich-text document sits about
// ten levels below an admin body), and shallow enough for every stack.
constexpr int kMaxJsonDepth = 64;

// Deepest nesting of arrays and objects in JSON `text`, counted outside
// strings. A plain scan costs far less than a parser callback on every
// token; for text that is not JSON the answer is meaningless but bounded.
int JsonNestingDepth(std::string_view text);

}  // namespace callexa

#endif  // CALLEXA_COMMON_JSON_DEPTH_H_
