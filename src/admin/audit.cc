#include "admin/audit.h"

#include "common/time_format.h"

namespace callexa {
namespace {

using nlohmann::json;

// Never shown, only that they changed.
bool IsSecret(const std::string &field) {
  return field == "api_key" || field == "segment_write_key";
}

// Changes nobody made: the store's bookkeeping.
bool IsBookkeeping(const std::string &field) {
  return field == "id" || field == "public_id" || field == "created_at" ||
         field == "updated_at";
}

std::optional<int64_t> IdOf(const std::string &text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<int64_t> IdField(const json &object) {
  if (object.is_object() && object.contains("id") && object["id"].is_number_integer()) {
    return object["id"].get<int64_t>();
  }
  return std::nullopt;
}

}  // namespace

json SurveyChanges(const json &before, const json &after) {
  json changes = json::object();
  if (!before.is_object() || !after.is_object()) return changes;
  for (const auto &[field, value] : after.items()) {
    if (IsBookkeeping(field)) continue;
    const json old = before.contains(field) ? before[field] : json(nullptr);
    if (old == value) continue;
    if (IsSecret(field)) {
      changes[field] = {{"changed", true}};
    } else if (field == "content" && old.is_object() && value.is_object()) {
      json parts = json::array();
      for (const auto &[part, text] : value.items()) {
        if (!old.contains(part) || old[part] != text) parts.push_back(part);
      }
      for (const auto &[part, text] : old.items()) {
        if (!value.contains(part)) parts.push_back(part);
      }
      changes[field] = {{"changed", std::move(parts)}};
    } else {
      changes[field] = {{"before", old}, {"after", value}};
    }
  }
  return changes;
}

AuditEntry AuditRecordOf(const AdminAction &action, const std::string &user,
                         AdminRole role, const std::vector<std::string> &parts,
                         const json &before, const json &answer, int64_t now) {
  const json response = answer.is_object() ? answer : json::object();
  AuditEntry e;
  e.at = now;
  e.actor = user;
  e.role = AdminRoleName(role);
  e.action = action.name;
  if (parts.size() >= 3 && parts[1] == "surveys") e.survey_id = IdOf(parts[2]);
  json details = json::object();
  const std::string &a = action.name;
  if (a == "survey.create") {
    e.survey_id = IdField(response);
    details["name"] = response.value("name", "");
  } else if (a == "survey.duplicate") {
    e.survey_id = IdField(response);
    details["from_survey_id"] = IdOf(parts[2]).value_or(0);
    details["name"] = response.value("name", "");
  } else if (a == "survey.delete") {
    details["name"] = before.is_object() ? before.value("name", "") : "";
  } else if (a == "survey.update" || a == "survey.archive" || a == "survey.restore" ||
             a == "content.update") {
    details["changes"] = SurveyChanges(before, response);
    if (before.is_object()) details["name"] = before.value("name", "");
  } else if (a == "survey.rotate_key") {
    details["changes"] = {{"api_key", {{"changed", true}}}};
  } else if (a == "recipients.add" || a == "recipients.import") {
    // Counts only: the addresses are customers'.
    details["received"] = response.value("received", 0);
    details["stored"] = response.value("stored", 0);
  } else if (a == "erasure") {
    details["people"] = 1;  // whose data, the log must not say
  } else if (a == "testimonial.approve" || a == "testimonial.reject") {
    details["answer_id"] = IdOf(parts[4]).value_or(0);
  } else if (a == "webhook.create") {
    // Where events go by host only: a Slack URL's path is itself a secret,
    // as is the signing secret the answer shows once.
    details["webhook_id"] = response.value("id", int64_t{0});
    const std::string url = response.value("url", "");
    const size_t host = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
    details["host"] = url.substr(host, url.find_first_of("/?#", host) - host);
    details["format"] = response.value("format", "");
  } else if (a == "webhook.delete" || a == "webhook.test" ||
             a == "webhook.rotate_secret") {
    details["webhook_id"] = parts.size() > 4 ? IdOf(parts[4]).value_or(0) : 0;
  } else if (a == "logo.upload") {
    details["bytes"] = response.value("bytes", 0);
  } else if (a.rfind("follow_up.", 0) == 0) {
    // The words of notes and replies stay in the thread, out of the log.
    details["invitation_id"] = IdOf(parts[4]).value_or(0);
    if (a == "follow_up.status" || a == "follow_up.assign") {
      details["status"] = response.value("status", "");
      details["assignee"] = response.value("assignee", "");
    }
  }
  e.details = details.dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

json AuditEntryToJson(const AuditEntry &entry) {
  json details = json::parse(entry.details, nullptr, false);
  if (details.is_discarded()) details = json::object();
  return {{"id", entry.id},
          {"at", FormatIso8601(entry.at)},
          {"user", entry.actor.empty() ? json(nullptr) : json(entry.actor)},
          {"role", entry.role},
          {"action", entry.action},
          {"survey_id", entry.survey_id ? json(*entry.survey_id) : json(nullptr)},
          {"details", std::move(details)}};
}

}  // namespace callexa
