// The traits of one identify call that Callexa uses, as ingestion reads
// them (ingest/identify_message.h) and the stores keep them.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_IDENTIFY_H_
#define CALLEXA_MODEL_IDENTIFY_H_

#include <cstdint>
#include <optional>
#include <string>

namespace callexa {

struct IdentifyMessage {
  std::string message_id;  // empty when the sender gave none
  std::string user_id;
  std::string anonymous_id;
  std::string email;  // trimmed and lowercased
  std::string first_name;
  std::string last_name;
  std::string name;
  std::string gender;
  std::optional<int64_t> created_at;  // the customer's createdAt, Unix seconds
  std::string traits_json;            // all traits as sent, kept for later use
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_IDENTIFY_H_
