#include "ingest/identify_message.h"

#include <cctype>
#include <initializer_list>

#include "common/email_address.h"
#include "common/time_format.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr size_t kMaxMessageIdBytes = 255;

// The first of `names` present in `obj` and not null.
const json *Field(const json &obj, std::initializer_list<const char *> names,
                  const char **found) {
  for (const char *n : names) {
    auto it = obj.find(n);
    if (it != obj.end() && !it->is_null()) {
      *found = n;
      return &*it;
    }
  }
  return nullptr;
}

// Reads an optional string field; integers are accepted for ids, which some
// libraries send as numbers.
Status OptionalString(const json &obj, std::string_view where,
                      std::initializer_list<const char *> names, bool allow_number,
                      std::string *out) {
  const char *name = *names.begin();
  const json *v = Field(obj, names, &name);
  if (v == nullptr) return Status::Ok();
  if (v->is_string()) {
    *out = v->get<std::string>();
  } else if (allow_number && v->is_number_integer()) {
    *out = v->dump();
  } else {
    return Status::InvalidArgument(std::string(where) + name + " must be a string");
  }
  return Status::Ok();
}

Status CreatedAt(const json &traits, std::string_view where,
                 std::optional<int64_t> *out) {
  const char *name = "createdAt";
  const json *v = Field(traits, {"createdAt", "created_at", "created"}, &name);
  if (v == nullptr) return Status::Ok();
  return ParseCreatedAt(*v, std::string(where) + "traits." + name, out);
}

Result<IdentifyMessage> ParseIdentify(const json &m, std::string_view where) {
  IdentifyMessage id;
  Status s = OptionalString(m, where, {"messageId", "message_id"}, false, &id.message_id);
  if (s.ok()) s = OptionalString(m, where, {"userId", "user_id"}, true, &id.user_id);
  if (s.ok()) {
    s = OptionalString(m, where, {"anonymousId", "anonymous_id"}, true, &id.anonymous_id);
  }
  if (!s.ok()) return s;
  if (id.message_id.size() > kMaxMessageIdBytes) {
    return Status::InvalidArgument(std::string(where) + "messageId is longer than " +
                                   std::to_string(kMaxMessageIdBytes) + " bytes");
  }

  auto traits_it = m.find("traits");
  if (traits_it == m.end() || traits_it->is_null()) {
    return Status::InvalidArgument(std::string(where) + "traits.email is required");
  }
  if (!traits_it->is_object()) {
    return Status::InvalidArgument(std::string(where) + "traits must be an object");
  }
  const json &traits = *traits_it;
  std::string raw_email;
  const std::string tw = std::string(where) + "traits.";
  s = OptionalString(traits, tw, {"email"}, false, &raw_email);
  if (s.ok())
    s = OptionalString(traits, tw, {"firstName", "first_name"}, false, &id.first_name);
  if (s.ok())
    s = OptionalString(traits, tw, {"lastName", "last_name"}, false, &id.last_name);
  if (s.ok()) s = OptionalString(traits, tw, {"name"}, false, &id.name);
  if (s.ok()) s = OptionalString(traits, tw, {"gender"}, false, &id.gender);
  if (s.ok()) s = CreatedAt(traits, where, &id.created_at);
  if (!s.ok()) return s;
  if (raw_email.empty()) return Status::InvalidArgument(tw + "email is required");
  auto email = NormalizeEmail(raw_email);
  if (!email.ok())
    return Status::InvalidArgument(tw + "email " + email.status().message());
  id.email = std::move(*email);
  id.traits_json = traits.dump(-1, ' ', false, json::error_handler_t::replace);
  return id;
}

}  // namespace

Status ParseCreatedAt(const json &value, const std::string &field,
                      std::optional<int64_t> *out) {
  if (value.is_null()) return Status::Ok();
  std::optional<int64_t> t;
  if (value.is_number()) {
    t = UnixSecondsFromNumber(value.get<double>());
  } else if (!value.is_string()) {
    return Status::InvalidArgument(field + " must be an ISO-8601 string or a Unix time");
  } else {
    const std::string s = value.get<std::string>();
    if (s.empty()) return Status::Ok();
    t = ParseIso8601(s);
    char *end = nullptr;
    const double number = std::strtod(s.c_str(), &end);
    if (!t && end != s.c_str() && *end == '\0' &&
        std::isdigit(static_cast<unsigned char>(s[0]))) {
      t = UnixSecondsFromNumber(number);
    }
    if (!t) {
      return Status::InvalidArgument(field + " is not a date: \"" + s +
                                     "\" (use ISO-8601, e.g. 2026-11-28T10:00:00Z)");
    }
  }
  // One range for every form, so that a number cannot store what the same
  // date as a string would be refused for.
  if (*t < kEarliestCreatedAt || *t > kLatestCreatedAt) {
    return Status::InvalidArgument(field + " is out of range: " + FormatIso8601(*t) +
                                   "; a date from 1970-01-01 to 9999-12-31 is needed");
  }
  *out = t;
  return Status::Ok();
}

Result<SpecMessage> ParseSpecMessage(const json &m, std::string_view where) {
  if (!m.is_object()) {
    return Status::InvalidArgument(
        std::string(where.empty() ? "body" : where.substr(0, where.size() - 1)) +
        " must be a JSON object");
  }
  auto type_it = m.find("type");
  if (type_it == m.end() || type_it->is_null()) {
    return Status::InvalidArgument(std::string(where) + "type is required");
  }
  if (!type_it->is_string()) {
    return Status::InvalidArgument(std::string(where) + "type must be a string");
  }
  SpecMessage out;
  out.type = type_it->get<std::string>();
  for (char &c : out.type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.type != "identify") return out;
  auto id = ParseIdentify(m, where);
  if (!id.ok()) return id.status();
  out.identify = std::move(id.value());
  return out;
}

}  // namespace callexa
