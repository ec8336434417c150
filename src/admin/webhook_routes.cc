#include "admin/webhook_routes.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/json_depth.h"
#include "common/time_format.h"
#include "webhooks/webhook_event.h"
#include "webhooks/webhook_signature.h"
#include "webhooks/webhook_target.h"

namespace callexa {
namespace {

using nlohmann::json;

HttpResponse Json(int status, const json &body) {
  return JsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

json TimeOrNull(const std::optional<int64_t> &t) {
  return t ? json(FormatIso8601(*t)) : json(nullptr);
}

json DeliveryToJson(const WebhookDeliveryView &d) {
  return {
      {"id", d.id},
      {"event_id", d.event_id},
      {"type", d.type},
      {"status", d.status},
      {"attempts", d.attempts},
      {"http_status", d.last_status ? json(*d.last_status) : json(nullptr)},
      {"error", d.last_error},
      {"latency_ms", d.latency_ms ? json(*d.latency_ms) : json(nullptr)},
      {"created_at", FormatIso8601(d.created_at)},
      {"finished_at", TimeOrNull(d.finished_at)},
      {"next_attempt_at",
       d.status == "pending" ? json(FormatIso8601(d.next_attempt_at)) : json(nullptr)}};
}

// Never the secret: that is shown once, by the routes that make one.
json WebhookToJson(const Webhook &w) {
  return {{"id", w.id},
          {"url", w.url},
          {"events", w.events},
          {"format", w.format},
          {"created_at", FormatIso8601(w.created_at)},
          {"failing_since", TimeOrNull(w.failing_since)},
          {"disabled_at", TimeOrNull(w.disabled_at)},
          {"disabled_reason", w.disabled_reason}};
}

Result<json> ParseBody(const HttpRequest &request) {
  if (request.body.empty()) return json::object();
  if (JsonNestingDepth(request.body) > kMaxJsonDepth) {
    return Status::InvalidArgument("request body nests JSON too deeply");
  }
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return Status::InvalidArgument("request body must be a JSON object");
  }
  return body;
}

// The webhook a POST body describes, every field checked.
Result<Webhook> DraftOf(const json &body, bool allow_private_networks) {
  Webhook w;
  const auto url = body.find("url");
  if (url == body.end() || !url->is_string() || url->get<std::string>().empty()) {
    return Status::InvalidArgument("url: give the endpoint's https:// URL");
  }
  w.url = url->get<std::string>();
  if (w.url.size() > kMaxWebhookUrlBytes) {
    return Status::InvalidArgument("url: at most " + std::to_string(kMaxWebhookUrlBytes) +
                                   " characters");
  }
  Status s = CheckWebhookUrl(w.url, allow_private_networks);
  if (!s.ok()) {
    const std::string m = s.message();
    return Status::InvalidArgument(m.rfind("url", 0) == 0 ? m : "url: " + m);
  }
  const auto events = body.find("events");
  if (events == body.end() || !events->is_array() || events->empty()) {
    return Status::InvalidArgument(
        "events: a list of one or both of \"response.created\", \"response.updated\"");
  }
  for (const json &e : *events) {
    if (!e.is_string() ||
        (e != kWebhookResponseCreated && e != kWebhookResponseUpdated)) {
      return Status::InvalidArgument(
          "events: each is \"response.created\" or \"response.updated\", not " +
          e.dump().substr(0, 60));
    }
    if (std::find(w.events.begin(), w.events.end(), e.get<std::string>()) ==
        w.events.end()) {
      w.events.push_back(e.get<std::string>());
    }
  }
  w.format = "standard";
  const auto format = body.find("format");
  if (format != body.end()) {
    if (!format->is_string() || (*format != "standard" && *format != "slack")) {
      return Status::InvalidArgument("format: \"standard\" or \"slack\"");
    }
    w.format = format->get<std::string>();
  }
  return w;
}

HttpResponse List(WebhookStore *webhooks, int64_t survey_id) {
  auto list = webhooks->ListWebhooks(survey_id);
  if (!list.ok()) return JsonError(list.status());
  json out = json::array();
  for (const Webhook &w : *list) {
    auto log = webhooks->ListWebhookDeliveries(w.id, kWebhookDeliveriesShown);
    if (!log.ok()) return JsonError(log.status());
    json j = WebhookToJson(w);
    j["deliveries"] = json::array();
    for (const WebhookDeliveryView &d : *log)
      j["deliveries"].push_back(DeliveryToJson(d));
    out.push_back(std::move(j));
  }
  return Json(200,
              {{"webhooks", std::move(out)}, {"max_webhooks", kMaxWebhooksPerSurvey}});
}

HttpResponse Create(WebhookStore *webhooks, const HttpRequest &request, int64_t survey_id,
                    bool allow_private_networks, int64_t now) {
  auto body = ParseBody(request);
  if (!body.ok()) return JsonError(body.status());
  auto draft = DraftOf(*body, allow_private_networks);
  if (!draft.ok()) return JsonError(draft.status());
  draft->survey_id = survey_id;
  draft->secret = NewWebhookSecret();
  auto made = webhooks->CreateWebhook(*draft, now);
  if (!made.ok()) return JsonError(made.status());
  json j = WebhookToJson(*made);
  j["secret"] = made->secret;
  j["deliveries"] = json::array();
  return Json(201, j);
}

}  // namespace

HttpResponse HandleWebhookRoute(WebhookStore *webhooks, SurveyStore *surveys,
                                const HttpRequest &request, int64_t survey_id,
                                const std::vector<std::string> &rest,
                                bool allow_private_networks, int64_t now) {
  auto survey = surveys->GetSurvey(survey_id);
  if (!survey.ok()) return JsonError(survey.status());
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (rest.empty()) {
    if (read) return List(webhooks, survey_id);
    if (request.method == "POST") {
      return Create(webhooks, request, survey_id, allow_private_networks, now);
    }
    return JsonError(
        Status::MethodNotAllowed("use GET or POST on api/surveys/{id}/webhooks"));
  }
  int64_t id = 0;
  const std::string &wid = rest[0];
  const bool digits =
      !wid.empty() && wid.size() <= 18 &&
      std::all_of(wid.begin(), wid.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) id = std::stoll(wid);
  if (id <= 0 || rest.size() > 2) {
    return JsonError(Status::NotFound("webhook \"" + wid.substr(0, 40) + "\" not found"));
  }
  if (rest.size() == 1) {
    if (request.method != "DELETE") {
      return JsonError(
          Status::MethodNotAllowed("use DELETE on api/surveys/{id}/webhooks/{wid}"));
    }
    Status s = webhooks->DeleteWebhook(survey_id, id);
    if (!s.ok()) return JsonError(s);
    return Json(200, {{"deleted", true}, {"id", id}});
  }
  const std::string &action = rest[1];
  if (action != "test" && action != "secret" && action != "enable") {
    return JsonError(Status::NotFound("no such webhook route: " + action.substr(0, 40)));
  }
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed(
        "use POST on api/surveys/{id}/webhooks/{wid}/" + action));
  }
  if (action == "test") {
    auto event_id = webhooks->EnqueueWebhookTest(survey_id, id, now);
    if (!event_id.ok()) return JsonError(event_id.status());
    return Json(202, {{"id", id}, {"event_id", *event_id}});
  }
  if (action == "enable") {
    auto enabled = webhooks->EnableWebhook(survey_id, id);
    if (!enabled.ok()) return JsonError(enabled.status());
    return Json(200, WebhookToJson(*enabled));
  }
  auto rotated = webhooks->RotateWebhookSecret(survey_id, id, NewWebhookSecret());
  if (!rotated.ok()) return JsonError(rotated.status());
  json j = WebhookToJson(*rotated);
  j["secret"] = rotated->secret;
  return Json(200, j);
}

}  // namespace callexa
