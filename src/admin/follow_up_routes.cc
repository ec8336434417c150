#include "admin/follow_up_routes.h"

#include <optional>
#include <utility>

#include "admin/survey_json.h"
#include "common/time_format.h"
#include "common/utf8.h"

namespace callexa {
namespace {

using nlohmann::json;

HttpResponse Json(int status, const json &body) {
  return JsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

json OptionalTime(const std::optional<int64_t> &t) {
  return t ? json(FormatIso8601(*t)) : json(nullptr);
}

json ItemToJson(const FollowUpItem &item) {
  ResponseView r;
  r.invitation_id = item.follow_up.invitation_id;
  r.customer_id = item.customer_id;
  r.email = item.email;
  r.first_name = item.first_name;
  r.last_name = item.last_name;
  r.name = item.name;
  r.answer = item.answer;
  return ResponseToJson(r);
}

json EntryToJson(const FollowUpEntry &e) {
  json out = {{"id", e.id},
              {"kind", e.kind},
              {"actor", e.actor},
              {"text", e.text},
              {"created_at", FormatIso8601(e.created_at)}};
  if (e.kind == "reply") {
    out["mail_status"] = e.mail_status;
    out["attempts"] = e.attempts;
    out["last_error"] = e.last_error;
    out["next_attempt_at"] = OptionalTime(e.next_attempt_at);
    out["sent_at"] = OptionalTime(e.sent_at);
  }
  return out;
}

Result<json> Body(const HttpRequest &request) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("request body must be a JSON object");
  }
  return body;
}

// The "text" of a note or reply: required, at most `max_bytes`.
Result<std::string> TextOf(const json &body, size_t max_bytes) {
  const auto text = body.find("text");
  if (text == body.end() || !text->is_string()) {
    return Status::InvalidArgument("text is required");
  }
  std::string value = text->get<std::string>();
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("text must not be empty");
  }
  if (value.size() > max_bytes) {
    return Status::InvalidArgument("text is too long: at most " +
                                   std::to_string(max_bytes) + " bytes");
  }
  return value;
}

bool ParseInvitationId(const std::string &text, int64_t *id) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *id = std::stoll(text);
  return *id > 0;
}

HttpResponse Thread(FollowUpStore *store, int64_t survey_id, int64_t invitation_id) {
  std::optional<FollowUp> follow_up;
  std::vector<FollowUpEntry> thread;
  auto item = store->GetFollowUpItem(survey_id, invitation_id, &follow_up, &thread);
  if (!item.ok()) return JsonError(item.status());
  json entries = json::array();
  for (const FollowUpEntry &e : thread) entries.push_back(EntryToJson(e));
  json out = ItemToJson(*item);
  out["follow_up"] = follow_up ? FollowUpToJson(*follow_up) : json(nullptr);
  out["thread"] = std::move(entries);
  return Json(200, out);
}

HttpResponse Patch(FollowUpStore *store, const HttpRequest &request, int64_t survey_id,
                   int64_t invitation_id, int64_t now) {
  auto body = Body(request);
  if (!body.ok()) return JsonError(body.status());
  FollowUpChange change;
  change.actor = request.admin_user;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() == "status") {
      if (*it != "open" && *it != "closed") {
        return JsonError(
            Status::InvalidArgument("status must be \"open\" or \"closed\""));
      }
      change.status = it->get<std::string>();
    } else if (it.key() == "assignee") {
      if (!it->is_string() && !it->is_null()) {
        return JsonError(Status::InvalidArgument("assignee must be a string or null"));
      }
      std::string assignee = it->is_string() ? it->get<std::string>() : "";
      if (assignee.size() > 200 || !IsValidUtf8(assignee) ||
          assignee.find_first_of("\r\n\t") != std::string::npos) {
        return JsonError(
            Status::InvalidArgument("assignee must be one line of at most 200 bytes"));
      }
      change.assignee = std::move(assignee);
    } else {
      return JsonError(Status::InvalidArgument("unknown field " + it.key() +
                                               ": use status and assignee"));
    }
  }
  auto f = store->UpdateFollowUp(survey_id, invitation_id, change, now);
  if (!f.ok()) return JsonError(f.status());
  return Json(200, FollowUpToJson(*f));
}

}  // namespace

json FollowUpToJson(const FollowUp &f) {
  return {{"invitation_id", f.invitation_id}, {"status", f.status},
          {"assignee", f.assignee},           {"opened_at", FormatIso8601(f.opened_at)},
          {"opened_by", f.opened_by},         {"closed_at", OptionalTime(f.closed_at)}};
}

bool AsksForFollowUps(const HttpRequest &request) {
  return !QueryParam(request.query, "follow_up").empty();
}

HttpResponse HandleFollowUpList(FollowUpStore *store, const HttpRequest &request,
                                int64_t survey_id) {
  FollowUpQuery q;
  q.survey_id = survey_id;
  q.status = QueryParam(request.query, "follow_up");
  if (q.status == "any") q.status.clear();
  if (!q.status.empty() && q.status != "open" && q.status != "closed") {
    return JsonError(
        Status::InvalidArgument("follow_up must be \"open\", \"closed\" or \"any\""));
  }
  auto items = store->ListFollowUps(q);
  if (!items.ok()) return JsonError(items.status());
  json list = json::array();
  for (const FollowUpItem &item : *items) {
    json r = ItemToJson(item);
    r["follow_up"] = FollowUpToJson(item.follow_up);
    list.push_back(std::move(r));
  }
  return Json(200, {{"responses", std::move(list)}});
}

Status AttachFollowUps(FollowUpStore *store, int64_t survey_id, json *responses) {
  std::vector<int64_t> ids;
  for (const json &r : *responses) ids.push_back(r.value("invitation_id", int64_t{0}));
  auto found = store->GetFollowUps(survey_id, ids);
  if (!found.ok()) return found.status();
  for (json &r : *responses) {
    const auto f = found->find(r.value("invitation_id", int64_t{0}));
    r["follow_up"] = f == found->end() ? json(nullptr) : FollowUpToJson(f->second);
  }
  return Status::Ok();
}

HttpResponse HandleFollowUpRoute(FollowUpStore *store, SurveyStore *surveys,
                                 const HttpRequest &request, int64_t survey_id,
                                 const std::vector<std::string> &parts, int64_t now) {
  int64_t invitation_id = 0;
  if (!ParseInvitationId(parts[4], &invitation_id)) {
    return JsonError(
        Status::NotFound("response \"" + parts[4].substr(0, 40) + "\" not found"));
  }
  auto survey = surveys->GetSurvey(survey_id);
  if (!survey.ok()) return JsonError(survey.status());
  if (parts.size() == 5) {
    if (request.method == "GET" || request.method == "HEAD") {
      return Thread(store, survey_id, invitation_id);
    }
    if (request.method == "PATCH") {
      return Patch(store, request, survey_id, invitation_id, now);
    }
    return JsonError(Status::MethodNotAllowed(
        "use GET or PATCH on api/surveys/{id}/responses/{invitation_id}"));
  }
  const std::string &what = parts[5];
  if (what != "notes" && what != "reply") {
    return JsonError(Status::NotFound("no such admin route: /" + request.path));
  }
  if (request.method != "POST") {
    return JsonError(
        Status::MethodNotAllowed("use POST on .../responses/{invitation_id}/" + what));
  }
  auto body = Body(request);
  if (!body.ok()) return JsonError(body.status());
  auto text = TextOf(*body, what == "notes" ? kMaxNoteBytes : kMaxReplyBytes);
  if (!text.ok()) return JsonError(text.status());
  auto entry = what == "notes" ? store->AddFollowUpNote(survey_id, invitation_id,
                                                        request.admin_user, *text, now)
                               : store->QueueReply(survey_id, invitation_id,
                                                   request.admin_user, *text, now);
  if (!entry.ok()) return JsonError(entry.status());
  return Json(201, EntryToJson(*entry));
}

HttpResponse HandleFollowUpSummary(FollowUpStore *store, SurveyStore *surveys,
                                   const HttpRequest &request, int64_t survey_id,
                                   int64_t now) {
  if (request.method != "GET" && request.method != "HEAD") {
    return JsonError(
        Status::MethodNotAllowed("use GET on api/surveys/{id}/follow-ups/summary"));
  }
  int64_t from = now - 30 * 86400, to = now + 1;  // this second included
  for (const auto &[name, out] : {std::pair<const char *, int64_t *>{"from", &from},
                                  std::pair<const char *, int64_t *>{"to", &to}}) {
    const std::string text = QueryParam(request.query, name);
    if (text.empty()) continue;
    const std::optional<int64_t> t = ParseIso8601(text);
    if (!t) {
      return JsonError(Status::InvalidArgument(std::string(name) +
                                               " must be an ISO-8601 date or date-time"));
    }
    *out = *t;
  }
  auto survey = surveys->GetSurvey(survey_id);
  if (!survey.ok()) return JsonError(survey.status());
  auto sum = store->SummarizeFollowUps(survey_id, from, to);
  if (!sum.ok()) return JsonError(sum.status());
  return Json(200, {{"open", sum->open},
                    {"closed_in_period", sum->closed_in_period},
                    {"median_seconds_to_close", sum->median_seconds_to_close
                                                    ? json(*sum->median_seconds_to_close)
                                                    : json(nullptr)},
                    {"from", FormatIso8601(from)},
                    {"to", FormatIso8601(to)}});
}

}  // namespace callexa
