// The identify calls and /v1/batch bodies of the sync-back to Segment
// (README "Sync-back to Segment", which gives Segment's limits). Pure
// functions, no I/O.
#ifndef CALLEXA_SYNC_SYNC_MESSAGE_H_
#define CALLEXA_SYNC_SYNC_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sync_store.h"

namespace callexa {

// context.library of every message, and the User-Agent.
inline constexpr char kLibraryName[] = "ngx_http_callexa_module";
inline constexpr char kLibraryVersion[] = "0.2.0";

// Segment takes 32 KB per message and 500 KB per request, "KB" unspecified:
// stay under the smaller reading with a margin. Over 2,500 messages a batch
// is answered 200 and silently dropped, so that limit is exact.
inline constexpr size_t kSyncMaxMessageBytes = 32000;
inline constexpr size_t kSyncMaxBatchBytes = 475000;
inline constexpr size_t kSyncMaxBatchMessages = 2500;

// Segment rejects an identify with neither userId nor anonymousId; such a
// customer (added by hand, never seen through Segment) is skipped.
bool HasSegmentIdentity(const SyncItem &item);

// "callexa-<survey>-<invitation>-<change_seq>": the same for every retry of
// one answer change, new for each change, at most 68 characters.
std::string SyncMessageId(int64_t survey_id, const SyncItem &item);

// The identify for `item` serialised as JSON of at most `max_bytes` (a
// longer comment is cut on a character boundary and ends with "…"). Valid
// JSON for any bytes: invalid UTF-8 becomes U+FFFD. Requires
// HasSegmentIdentity(item).
std::string BuildIdentify(int64_t survey_id, const SyncItem &item,
                          size_t max_bytes = kSyncMaxMessageBytes);

// The longest prefix of `text` of at most max_bytes that does not split a
// UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

// How many of `messages`, from the first, fit in one batch body of at most
// max_bytes and max_count messages. At least one when the first message
// alone fits.
size_t FitBatch(const std::vector<std::string> &messages, size_t max_bytes,
                size_t max_count);

// {"batch":[<the first `count` messages>],"sentAt":"<ISO-8601>"}.
std::string BatchBody(const std::vector<std::string> &messages, size_t count,
                      int64_t sent_at);

}  // namespace callexa

#endif  // CALLEXA_SYNC_SYNC_MESSAGE_H_
