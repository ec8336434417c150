#include "sync/sync_message.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr char kEllipsis[] = "\xE2\x80\xA6";  // U+2026
constexpr size_t kEllipsisBytes = sizeof kEllipsis - 1;
constexpr char kBatchOpen[] = "{\"batch\":[";
constexpr char kBatchClose[] = "],\"sentAt\":\"\"}";

std::string Dump(const json &j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json IdentifyJson(int64_t survey_id, const SyncItem &item, std::string_view comment) {
  const std::string date = FormatIso8601(item.answered_at);
  json m = {
      {"type", "identify"},
      {"messageId", SyncMessageId(survey_id, item)},
      {"timestamp", date},
      {"traits",
       {{"NPS_rating", item.score}, {"NPS_comment", comment}, {"NPS_date", date}}},
      {"context", {{"library", {{"name", kLibraryName}, {"version", kLibraryVersion}}}}},
  };
  if (!item.user_id.empty()) {
    m["userId"] = item.user_id;
  } else {
    m["anonymousId"] = item.anonymous_id;
  }
  return m;
}

}  // namespace

bool HasSegmentIdentity(const SyncItem &item) {
  return !item.user_id.empty() || !item.anonymous_id.empty();
}

std::string SyncMessageId(int64_t survey_id, const SyncItem &item) {
  return "callexa-" + std::to_string(survey_id) + "-" +
         std::to_string(item.invitation_id) + "-" + std::to_string(item.change_seq);
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Back off over at most three continuation bytes to the start of the
  // sequence; further back they are invalid bytes anyway.
  for (int i = 0;
       i < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++i) {
    --cut;
  }
  return text.substr(0, cut);
}

std::string BuildIdentify(int64_t survey_id, const SyncItem &item, size_t max_bytes) {
  std::string out = Dump(IdentifyJson(survey_id, item, item.comment));
  // Escaping makes a byte of comment take 1 to 6 bytes of JSON, so cutting
  // the excess (plus room for the ellipsis) from the raw comment shrinks
  // the output by at least the excess; repeat in case the cut fell short.
  std::string_view kept = item.comment;
  while (out.size() > max_bytes && !kept.empty()) {
    const size_t excess = out.size() - max_bytes + kEllipsisBytes;
    kept = TruncateUtf8(kept, kept.size() > excess ? kept.size() - excess : 0);
    out = Dump(IdentifyJson(survey_id, item, std::string(kept) + kEllipsis));
  }
  return out;
}

size_t FitBatch(const std::vector<std::string> &messages, size_t max_bytes,
                size_t max_count) {
  // The envelope with the 20 characters of sentAt's value.
  size_t total = sizeof kBatchOpen - 1 + sizeof kBatchClose - 1 + 20;
  size_t n = 0;
  for (const std::string &m : messages) {
    const size_t next = total + m.size() + (n > 0 ? 1 : 0);
    if (n == max_count || next > max_bytes) break;
    total = next;
    ++n;
  }
  return n;
}

std::string BatchBody(const std::vector<std::string> &messages, size_t count,
                      int64_t sent_at) {
  std::string body = kBatchOpen;
  for (size_t i = 0; i < count && i < messages.size(); ++i) {
    if (i > 0) body += ',';
    body += messages[i];
  }
  body += "],\"sentAt\":\"" + FormatIso8601(sent_at) + "\"}";
  return body;
}

}  // namespace callexa
