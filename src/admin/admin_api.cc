#include "admin/admin_api.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "admin/admin_roles.h"
#include "admin/admin_ui.h"
#include "admin/audit.h"
#include "admin/customer_routes.h"
#include "admin/dkim_setup.h"
#include "admin/follow_up_routes.h"
#include "admin/recipients.h"
#include "admin/report_routes.h"
#include "admin/send_window_routes.h"
#include "admin/survey_json.h"
#include "admin/sync_admin.h"
#include "admin/testimonial_json.h"
#include "admin/webhook_routes.h"
#include "assets/image_upload.h"
#include "common/email_address.h"
#include "common/json_depth.h"
#include "common/secrets.h"
#include "common/time_format.h"
#include "model/identify.h"
#include "policy/customer_reason.h"

namespace callexa {
namespace {

using nlohmann::json;

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    if (slash != 0) parts.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// Digits only, at most 18 of them (no sign, no overflow).
bool ParseDecimal(const std::string &text, int64_t *value) {
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// A row id in a path: a positive decimal.
bool ParseId(const std::string &text, int64_t *id) {
  return ParseDecimal(text, id) && *id > 0;
}

HttpResponse Json(int status, const json &body) {
  return JsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

Result<json> ParseJsonBody(const HttpRequest &request) {
  if (request.body.empty()) return json::object();
  if (JsonNestingDepth(request.body) > kMaxJsonDepth) {
    return Status::InvalidArgument("request body nests JSON more than " +
                                   std::to_string(kMaxJsonDepth) + " levels deep");
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded())
    return Status::InvalidArgument("request body is not valid JSON");
  return body;
}

// The normalised address of a {"email": ...} body.
Result<std::string> EmailOfBody(const HttpRequest &request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) return body.status();
  const auto email = body->is_object() ? body->find("email") : body->end();
  if (email == body->end() || !email->is_string()) {
    return Status::InvalidArgument("email is required");
  }
  auto address = NormalizeEmail(email->get<std::string>());
  if (!address.ok())
    return Status::InvalidArgument("email " + address.status().message());
  return *address;
}

// The survey as the request's role may see it. Its keys are the owner's
// (README "A team"): the API key lets anyone feed identifies in and the
// write key writes to the owner's Segment, so other roles get null.
json SurveyJsonFor(const HttpRequest &request, const Survey &survey) {
  json out = SurveyToJson(survey);
  if (ParseAdminRole(request.admin_role).value_or(AdminRole::kViewer) !=
      AdminRole::kOwner) {
    out["api_key"] = nullptr;
    out["segment_write_key"] = nullptr;
  }
  return out;
}

bool IsSafeMethod(const std::string &m) { return m == "GET" || m == "HEAD"; }

// The limit (1..1000) and offset query parameters of list routes.
Status ReadPaging(const HttpRequest &request, int *limit, int *offset) {
  const std::string l = QueryParam(request.query, "limit");
  const std::string o = QueryParam(request.query, "offset");
  int64_t n = 0;
  if (!l.empty()) {
    if (!ParseDecimal(l, &n) || n < 1 || n > 1000) {
      return Status::InvalidArgument("limit must be between 1 and 1000");
    }
    *limit = static_cast<int>(n);
  }
  if (!o.empty()) {
    if (!ParseDecimal(o, &n) || n > 1000000000) {
      return Status::InvalidArgument("offset must be a non-negative integer");
    }
    *offset = static_cast<int>(n);
  }
  return Status::Ok();
}

// An optional time query parameter: ISO-8601 date-time or date.
Status ReadTime(const HttpRequest &request, const char *name,
                std::optional<int64_t> *out) {
  const std::string text = QueryParam(request.query, name);
  if (text.empty()) return Status::Ok();
  *out = ParseIso8601(text);
  if (!*out) {
    return Status::InvalidArgument(std::string(name) +
                                   " must be an ISO-8601 date or date-time");
  }
  return Status::Ok();
}

}  // namespace

Status CheckSameOrigin(const HttpRequest &request) {
  if (MediaType(request.content_type) != "application/json") {
    return Status::UnsupportedMedia("Content-Type must be application/json");
  }
  return CheckNotCrossSite(request, /*allow_null_origin=*/false);
}

Lane AdminApi::LaneFor(const HttpRequest &request) const {
  return IsReportRoute(SplitPath(request.path)) ? Lane::kReports : Lane::kRequests;
}

HttpResponse AdminApi::Handle(const HttpRequest &request, int64_t now) {
  const std::vector<std::string> parts = SplitPath(request.path);
  // A change's fields decide which change it is (a key is the owner's); a
  // body that is not JSON is refused by the route itself.
  json fields;
  if (!IsSafeMethod(request.method) && JsonNestingDepth(request.body) <= kMaxJsonDepth) {
    fields = json::parse(request.body, nullptr, false);
  }
  const AdminAction action = AdminActionOf(request.method, parts, fields);
  const AdminRole role = ParseAdminRole(request.admin_role).value_or(AdminRole::kViewer);
  if (role < action.minimum) {
    return JsonError(Status::Forbidden(RoleRefusal(role, action)));
  }
  if (parts.size() == 2 && parts[0] == "api" && parts[1] == "me") return Me(request);
  if (parts.size() == 2 && parts[0] == "api" && parts[1] == "audit") {
    return Audit(request);
  }
  // The survey as it was, for the record of a change to it.
  json before;
  int64_t id = 0;
  if (!action.name.empty() && parts.size() == 3 && ParseId(parts[2], &id)) {
    auto survey = stores_.surveys->GetSurvey(id);
    if (survey.ok()) before = SurveyToJson(*survey);
  }
  HttpResponse response = Route(request, now);
  if (action.name.empty() || response.status < 200 || response.status > 299) {
    return response;
  }
  json answer = json::parse(response.body, nullptr, false);
  if (!before.is_null()) {
    // The survey as it is now, keys included: the answer hides them from
    // roles other than the owner's, and would read as a change of key.
    auto survey = stores_.surveys->GetSurvey(id);
    if (survey.ok()) answer = SurveyToJson(*survey);
  }
  const AuditEntry entry =
      AuditRecordOf(action, request.admin_user, role, parts, before, answer, now);
  const Status recorded = stores_.audit->RecordAudit(entry);
  if (!recorded.ok()) {
    // The change is made and stays: the operator hears of the gap.
    response.error_log = "the audit record of " + entry.action + " by \"" + entry.actor +
                         "\" was not written: " + recorded.ToLogString();
  }
  return response;
}

HttpResponse AdminApi::Me(const HttpRequest &request) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/me"));
  }
  const AdminRole role = ParseAdminRole(request.admin_role).value_or(AdminRole::kViewer);
  return Json(200, {{"user", request.admin_user.empty() ? json(nullptr)
                                                        : json(request.admin_user)},
                    {"role", AdminRoleName(role)}});
}

HttpResponse AdminApi::Audit(const HttpRequest &request) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/audit"));
  }
  AuditQuery q;
  const std::string survey = QueryParam(request.query, "survey_id");
  int64_t id = 0;
  if (!survey.empty()) {
    if (!ParseId(survey, &id)) {
      return JsonError(Status::InvalidArgument("survey_id must be a survey's id"));
    }
    q.survey_id = id;
  }
  Status s = ReadPaging(request, &q.limit, &q.offset);
  if (!s.ok()) return JsonError(s);
  auto entries = stores_.audit->ListAudit(q);
  if (!entries.ok()) return JsonError(entries.status());
  auto total = stores_.audit->CountAudit(q);
  if (!total.ok()) return JsonError(total.status());
  json list = json::array();
  for (const AuditEntry &e : *entries) list.push_back(AuditEntryToJson(e));
  return Json(200, {{"entries", std::move(list)}, {"total", *total}});
}

HttpResponse AdminApi::Route(const HttpRequest &request, int64_t now) {
  const std::vector<std::string> parts = SplitPath(request.path);
  if (parts.empty() || parts[0] != "api") return HandleAdminUi(request);
  if (parts.size() < 2 ||
      (parts[1] != "surveys" && parts[1] != "suppressions" &&
       parts[1] != "installation" && parts[1] != "database" && parts[1] != "erasure")) {
    return JsonError(Status::NotFound("no such admin route: /" + request.path));
  }
  if (!IsSafeMethod(request.method)) {
    Status s = CheckSameOrigin(request);
    if (!s.ok()) return JsonError(s);
  }
  if (parts.size() == 2 && parts[1] == "installation") return Installation(request);
  if (parts.size() == 2 && parts[1] == "database") return Database(request, now);
  if (parts.size() == 2 && parts[1] == "erasure") return Erasure(request, now);
  if (parts[1] == "suppressions" && parts.size() <= 3) {
    return Suppressions(request, parts.size() == 3 ? parts[2] : "");
  }
  if (parts[1] == "suppressions") {
    return JsonError(Status::NotFound("no such admin route: /" + request.path));
  }
  if (parts.size() == 2) return Surveys(request, now);
  int64_t id = 0;
  if (!ParseId(parts[2], &id)) {
    return JsonError(Status::NotFound("survey \"" + parts[2] + "\" not found"));
  }
  if (parts.size() == 3) return OneSurvey(request, id, now);
  if (parts.size() == 4 && parts[3] == "api-key") return RotateKey(request, id, now);
  if (parts.size() == 4 && parts[3] == "duplicate") return Duplicate(request, id, now);
  if (parts.size() == 4 && parts[3] == "customers") return Customers(request, id, now);
  if (parts.size() == 5 && parts[3] == "customers") {
    return HandleCustomerRoute(stores_.surveys, request, id, parts[4], now);
  }
  if (parts.size() == 4 && parts[3] == "sync")
    return HandleSyncRoute(stores_.sync, request, id);
  if (parts.size() == 4 && parts[3] == "recipients") return Recipients(request, id, now);
  if (parts.size() == 4 && parts[3] == "responses") return Responses(request, id);
  if ((parts.size() == 5 || parts.size() == 6) && parts[3] == "responses") {
    return HandleFollowUpRoute(stores_.follow_ups, stores_.surveys, request, id, parts,
                               now);
  }
  if (parts.size() == 5 && parts[3] == "follow-ups" && parts[4] == "summary") {
    return HandleFollowUpSummary(stores_.follow_ups, stores_.surveys, request, id, now);
  }
  if (parts.size() == 4 && parts[3] == "stats") {
    return HandleStatsRoute(stores_.surveys, stores_.reports, request, id, now);
  }
  if (parts.size() == 4 && parts[3] == "traits") {
    return HandleTraitsRoute(stores_.surveys, request, id);
  }
  if (parts.size() == 4 && parts[3] == "responses.csv") {
    return HandleResponsesCsvRoute(stores_.surveys, stores_.reports, request, id, now);
  }
  if (parts.size() == 4 && parts[3] == "delivery") return Delivery(request, id);
  if (parts.size() == 4 && parts[3] == "report-runs") return ReportRuns(request, id);
  if (parts.size() == 4 && parts[3] == "send-window") {
    return HandleSendWindowRoute(stores_.surveys, request, id, now);
  }
  if (parts.size() == 4 && parts[3] == "preview") return Preview(request, id, now);
  if (parts.size() == 4 && parts[3] == "test-email") return TestEmail(request, id, now);
  if (parts.size() == 4 && parts[3] == "logo") return Logo(request, id, now);
  if (parts.size() >= 4 && parts[3] == "webhooks") {
    return HandleWebhookRoute(stores_.webhooks, stores_.surveys, request, id,
                              {parts.begin() + 4, parts.end()},
                              options_.allow_private_webhooks, now);
  }
  if ((parts.size() == 4 || parts.size() == 6) && parts[3] == "testimonials") {
    auto survey = stores_.surveys->GetSurvey(id);
    if (!survey.ok()) return JsonError(survey.status());
    if (parts.size() == 4) return Testimonials(request, *survey);
    return Moderate(request, *survey, parts[4], parts[5], now);
  }
  return JsonError(Status::NotFound("no such admin route: /" + request.path));
}

HttpResponse AdminApi::Installation(const HttpRequest &request) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/installation"));
  }
  // Without callexa_public_url the owner sees this host's URLs; Segment
  // needs them reachable from the internet, which the page says.
  const std::string base =
      !options_.public_url.empty() ? options_.public_url : "http://" + request.host;
  const auto url = [&base](const std::string &path) {
    return path.empty() ? json(nullptr) : json(base + path);
  };
  return Json(
      200,
      {{"version", options_.version},
       {"public_url",
        options_.public_url.empty() ? json(nullptr) : json(options_.public_url)},
       {"mail_transport", options_.mail_transport},
       {"emails_enabled", options_.test_mail != nullptr},
       {"destination_url", url(options_.destination_path)},
       {"tracking_api_url", url(options_.tracking_api_path)},
       {"survey_url", url(options_.survey_path)},
       {"embed_url", url(options_.embed_path)},
       {"dkim", DkimSetupJson(options_.dkim.get(), options_.test_mail != nullptr
                                                       ? options_.preview.sender.address
                                                       : std::string())}});
}

// The database the installation runs on, as the Status page shows it: the
// backend's name, never its connection string (that may name hosts and a
// passfile), the size and how many leases other workers or hosts took over.
// Read from the database on every call, like /metrics, so every worker and
// host answers alike.
HttpResponse AdminApi::Database(const HttpRequest &request, int64_t now) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/database"));
  }
  auto m = stores_.metrics->ReadMetrics(now);
  if (!m.ok()) return JsonError(m.status());
  return Json(200, {{"backend", m->backend},
                    {"size_bytes", m->database_bytes},
                    {"lease_takeovers", m->lease_takeovers}});
}

// Handle() has checked the request is same-origin: no other site can erase.
HttpResponse AdminApi::Erasure(const HttpRequest &request, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/erasure"));
  }
  auto address = EmailOfBody(request);
  if (!address.ok()) return JsonError(address.status());
  auto erased = stores_.privacy->ErasePerson(*address, now);
  if (!erased.ok()) return JsonError(erased.status());
  return Json(200, {{"email", *address},
                    {"customers", erased->customers},
                    {"invitations", erased->invitations},
                    {"answers", erased->answers},
                    {"testimonials", erased->testimonials},
                    {"suppressed", true}});
}

HttpResponse AdminApi::Surveys(const HttpRequest &request, int64_t now) {
  if (IsSafeMethod(request.method)) {
    const std::string archived = QueryParam(request.query, "archived");
    if (!archived.empty() && archived != "true" && archived != "false") {
      return JsonError(Status::InvalidArgument("archived must be true or false"));
    }
    auto surveys = stores_.surveys->ListSurveys();
    if (!surveys.ok()) return JsonError(surveys.status());
    json list = json::array();
    for (const Survey &s : *surveys) {
      // Archived surveys are left out unless asked for (then listed among
      // the others, each with its archived_at).
      if (s.archived_at && archived != "true") continue;
      list.push_back(SurveyJsonFor(request, s));
    }
    json out = {{"surveys", std::move(list)}};
    if (QueryParam(request.query, "include") == "counts") {
      // The figures beside each survey, keyed by id, so that each survey
      // reads the same here as from GET api/surveys/{id}.
      auto counts = stores_.surveys->CountBySurvey(StartOfMonthUtc(now));
      if (!counts.ok()) return JsonError(counts.status());
      json by_id = json::object();
      for (const SurveyCounts &c : *counts) {
        by_id[std::to_string(c.survey_id)] = {
            {"sent_this_month", c.invitations_this_month}, {"answers", c.answers}};
      }
      out["counts"] = std::move(by_id);
    }
    return Json(200, out);
  }
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use GET or POST on api/surveys"));
  }
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  if (!body->is_object() || !body->contains("name")) {
    return JsonError(Status::InvalidArgument("name is required"));
  }
  Survey draft;
  Status s = ApplySurveySettings(*body, &draft);
  if (!s.ok()) return JsonError(s);
  auto created = stores_.surveys->CreateSurvey(std::move(draft), now);
  if (!created.ok()) return JsonError(created.status());
  return Json(201, SurveyJsonFor(request, *created));
}

HttpResponse AdminApi::OneSurvey(const HttpRequest &request, int64_t id, int64_t now) {
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  if (IsSafeMethod(request.method)) return Json(200, SurveyJsonFor(request, *survey));
  if (request.method == "DELETE") return DeleteSurvey(request, *survey);
  if (request.method != "PATCH") {
    return JsonError(
        Status::MethodNotAllowed("use GET, PATCH or DELETE on api/surveys/{id}"));
  }
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  // "archived" is no setting: it archives or restores, after the settings.
  std::optional<bool> archive;
  if (body->is_object() && body->contains("archived")) {
    if (!(*body)["archived"].is_boolean()) {
      return JsonError(Status::InvalidArgument("archived must be true or false"));
    }
    archive = (*body)["archived"].get<bool>();
    body->erase("archived");
  }
  const bool archived = archive.value_or(survey->archived_at.has_value());
  Status s = ApplySurveySettings(*body, &survey.value());
  if (!s.ok()) return JsonError(s);
  if (archived && body->contains("automation") && survey->policy.automation) {
    return JsonError(Status::Conflict(
        "automation cannot be on while the survey is archived: restore it first"));
  }
  Result<Survey> updated = *survey;
  if (!body->empty()) updated = stores_.surveys->UpdateSurvey(*survey, now);
  if (updated.ok() && archive && *archive != survey->archived_at.has_value()) {
    updated = stores_.surveys->SetSurveyArchived(id, *archive, now);
  }
  if (!updated.ok()) return JsonError(updated.status());
  return Json(200, SurveyJsonFor(request, *updated));
}

// DELETE with {"confirm": "<the survey's exact name>"}: the name typed
// again, so that no stray request deletes a survey and its answers.
HttpResponse AdminApi::DeleteSurvey(const HttpRequest &request, const Survey &survey) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  const auto confirm = body->is_object() ? body->find("confirm") : body->end();
  if (confirm == body->end() || !confirm->is_string() ||
      confirm->get<std::string>() != survey.name) {
    return JsonError(Status::InvalidArgument("confirm must be the survey's exact name"));
  }
  auto deleted = stores_.surveys->DeleteSurvey(survey.id);
  if (!deleted.ok()) return JsonError(deleted.status());
  return Json(200, {{"deleted", true},
                    {"id", survey.id},
                    {"name", survey.name},
                    {"customers", deleted->customers},
                    {"invitations", deleted->invitations},
                    {"answers", deleted->answers},
                    {"testimonials", deleted->testimonials}});
}

// POST with {} or {"name": ...}: a copy of the survey's settings and
// content, without its customers or answers, automation off.
HttpResponse AdminApi::Duplicate(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/duplicate"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  if (!body->is_object()) {
    return JsonError(Status::InvalidArgument("body must be a JSON object"));
  }
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "name") {
      return JsonError(Status::InvalidArgument("unknown field \"" + it.key() + "\""));
    }
  }
  Survey named;
  named.name = survey->name + " (copy)";
  if (named.name.size() > 200) named.name = survey->name;
  if (body->contains("name")) {
    Status s = ApplySurveySettings({{"name", (*body)["name"]}}, &named);
    if (!s.ok()) return JsonError(s);
  }
  auto copy = stores_.surveys->DuplicateSurvey(id, named.name, now);
  if (!copy.ok()) return JsonError(copy.status());
  return Json(201, SurveyJsonFor(request, *copy));
}

HttpResponse AdminApi::RotateKey(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/api-key"));
  }
  auto exists = stores_.surveys->GetSurvey(id);
  if (!exists.ok()) return JsonError(exists.status());
  auto rotated = stores_.surveys->RotateApiKey(id, now);
  if (!rotated.ok()) return JsonError(rotated.status());
  return Json(200, SurveyToJson(*rotated));
}

HttpResponse AdminApi::Customers(const HttpRequest &request, int64_t id, int64_t now) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/surveys/{id}/customers"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  CustomerQuery q;
  q.survey_id = id;
  const std::string email = QueryParam(request.query, "email");
  if (!email.empty()) {
    auto normalized = NormalizeEmail(email);
    if (!normalized.ok()) {
      return JsonError(Status::InvalidArgument("email " + normalized.status().message()));
    }
    q.email = *normalized;
  }
  // q: part of an address or a name, as typed (no address check).
  q.search = QueryParam(request.query, "q");
  if (q.search.size() > 200) {
    return JsonError(Status::InvalidArgument("q must have at most 200 bytes"));
  }
  q.state = QueryParam(request.query, "state");
  if (!q.state.empty() && q.state != "ignored" && q.state != "none" &&
      !ParseInvitationStatus(q.state)) {
    return JsonError(Status::InvalidArgument(
        "state must be scheduled, queued, sending, retry, sent, answered, bounced, "
        "failed, suppressed, ignored or none"));
  }
  Status s = ReadPaging(request, &q.limit, &q.offset);
  if (!s.ok()) return JsonError(s);
  auto customers = stores_.surveys->FindCustomers(q);
  if (!customers.ok()) return JsonError(customers.status());
  auto total = stores_.surveys->CountCustomers(q);
  if (!total.ok()) return JsonError(total.status());
  json list = json::array();
  for (const CustomerView &c : *customers) {
    json one = CustomerToJson(c);
    one["reason_text"] = ExplainSkipReason(c.reason, survey->policy,
                                           {c.created_at, c.last_surveyed_at}, now);
    list.push_back(std::move(one));
  }
  return Json(200, {{"customers", std::move(list)}, {"total", *total}});
}

namespace {

// band=detractor|passive|promoter as a score range; absent: every score.
Status ReadBand(const HttpRequest &request, int *min_score, int *max_score) {
  const std::string band = QueryParam(request.query, "band");
  if (band.empty()) return Status::Ok();
  if (band == "detractor") {
    *max_score = 6;
  } else if (band == "passive") {
    *min_score = 7;
    *max_score = 8;
  } else if (band == "promoter") {
    *min_score = 9;
  } else {
    return Status::InvalidArgument("band must be detractor, passive or promoter");
  }
  return Status::Ok();
}

// What an import would do, stored nowhere: the columns used and ignored,
// and every row that would be refused.
HttpResponse RecipientsPreview(const json &body) {
  auto list = ReadRecipients(body);
  if (!list.ok()) return JsonError(list.status());
  // Each CSV column with the meaning guessed or chosen, for the owner to
  // change (sent back as "mapping").
  json header = json::array();
  for (const CsvColumn &c : list->header) {
    header.push_back(
        {{"name", c.name}, {"meaning", c.meaning}, {"trait_key", c.trait_key}});
  }
  json sample = json::array();
  for (size_t i = 0; i < list->identifies.size() && i < 5; ++i) {
    const IdentifyMessage &m = list->identifies[i];
    sample.push_back({{"email", m.email},
                      {"first_name", m.first_name},
                      {"last_name", m.last_name},
                      {"name", m.name}});
  }
  return Json(200, {{"rows", list->rows},
                    {"valid", list->identifies.size()},
                    {"rejected_count", list->rejected_count},
                    {"rejected", list->rejected},
                    {"columns", list->columns},
                    {"ignored_columns", list->ignored_columns},
                    {"header", std::move(header)},
                    {"sample", std::move(sample)}});
}

}  // namespace

HttpResponse AdminApi::Recipients(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/recipients"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  bool dry_run = false;
  if (body->is_object() && body->contains("dry_run")) {
    if (!(*body)["dry_run"].is_boolean()) {
      return JsonError(Status::InvalidArgument("dry_run must be true or false"));
    }
    dry_run = (*body)["dry_run"].get<bool>();
    body->erase("dry_run");
  }
  if (dry_run) return RecipientsPreview(*body);
  auto recipients = ParseRecipients(*body);
  if (!recipients.ok()) return JsonError(recipients.status());
  // Addresses the survey already knows, so the page can say so; counted
  // for a few added by hand, not for a whole import.
  std::optional<int64_t> existing;
  if (recipients->identifies.size() <= 20) {
    existing = 0;
    for (const IdentifyMessage &m : recipients->identifies) {
      CustomerQuery known;
      known.survey_id = id;
      known.email = m.email;
      auto n = stores_.surveys->CountCustomers(known);
      if (!n.ok()) return JsonError(n.status());
      *existing += *n;
    }
  }
  // The same path as Segment's identifies, so the same eligibility rules.
  IngestJob job;
  job.api_key = survey->api_key;
  job.identifies = std::move(recipients->identifies);
  stores_.ingest->ApplyIngest({&job}, now);
  if (!job.status.ok()) return JsonError(job.status);
  return Json(200, {{"received", job.identifies.size()},
                    {"stored", job.stored},
                    {"scheduled", job.scheduled},
                    {"existing", existing ? json(*existing) : json(nullptr)},
                    {"ignored_columns", recipients->ignored_columns}});
}

HttpResponse AdminApi::Responses(const HttpRequest &request, int64_t id) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/surveys/{id}/responses"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  if (AsksForFollowUps(request)) {
    return HandleFollowUpList(stores_.follow_ups, request, id);
  }
  ResponseQuery q;
  q.survey_id = id;
  Status s = ReadPaging(request, &q.limit, &q.offset);
  if (s.ok()) s = ReadTime(request, "from", &q.from);
  if (s.ok()) s = ReadTime(request, "to", &q.to);
  if (s.ok()) s = ReadBand(request, &q.min_score, &q.max_score);
  if (s.ok()) s = ReadTraitFilters(request.query, &q.traits);
  if (!s.ok()) return JsonError(s);
  auto responses = stores_.surveys->ListResponses(q);
  if (!responses.ok()) return JsonError(responses.status());
  json list = json::array();
  for (const ResponseView &r : *responses) list.push_back(ResponseToJson(r));
  s = AttachFollowUps(stores_.follow_ups, id, &list);
  if (!s.ok()) return JsonError(s);
  return Json(200, {{"responses", std::move(list)}});
}

HttpResponse AdminApi::Delivery(const HttpRequest &request, int64_t id) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/surveys/{id}/delivery"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto overview = stores_.surveys->GetDeliveryOverview(id, 20);
  if (!overview.ok()) return JsonError(overview.status());
  return Json(200, DeliveryOverviewToJson(*overview));
}

HttpResponse AdminApi::ReportRuns(const HttpRequest &request, int64_t id) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(Status::MethodNotAllowed("use GET on api/surveys/{id}/report-runs"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto runs = stores_.report_runs->ListReportRuns(id, 12);
  if (!runs.ok()) return JsonError(runs.status());
  json out = json::array();
  for (const ReportRun &run : *runs) out.push_back(ReportRunToJson(run));
  return Json(200, {{"runs", std::move(out)}});
}

Result<json> AdminApi::DraftContent(const Survey &survey, const json &body) {
  Survey draft = survey;
  if (body.is_object() && body.contains("content")) {
    Status s = ApplySurveySettings({{"content", body.at("content")}}, &draft);
    if (!s.ok()) return s;
  }
  json content = json::parse(draft.content_json, nullptr, false);
  if (!content.is_object()) return Status::IOError("stored content is not valid JSON");
  return content;
}

HttpResponse AdminApi::Preview(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/preview"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  int score = 9;
  if (body->is_object() && body->contains("score")) {
    const json &v = (*body)["score"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 10) {
      return JsonError(Status::InvalidArgument("score must be an integer from 0 to 10"));
    }
    score = v.get<int>();
    body->erase("score");
  }
  auto content = DraftContent(*survey, *body);
  if (!content.ok()) return JsonError(content.status());
  auto secret = stores_.secrets->TokenSecret();
  if (!secret.ok()) return JsonError(secret.status());
  auto preview = RenderSurveyPreview(*content, options_.preview, *secret, now, score);
  if (!preview.ok()) return JsonError(preview.status());
  return Json(
      200, {{"subject", preview->subject},
            {"html", preview->html},
            {"text", preview->text},
            {"page_html", preview->page_html},
            {"thank_you_html", preview->thank_you_html},
            {"reminder",
             {{"subject", preview->reminder_subject}, {"html", preview->reminder_html}}},
            {"editable",
             {{"html", preview->editable_html},
              {"page_html", preview->editable_page_html},
              {"thank_you_html", preview->editable_thank_you_html},
              {"reminder_html", preview->editable_reminder_html}}},
            {"resolved_content", preview->resolved_content}});
}

HttpResponse AdminApi::TestEmail(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/test-email"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  if (options_.test_mail == nullptr) {
    return JsonError(Status::Conflict(
        "survey emails are off: set callexa_public_url and callexa_mail_from"));
  }
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  const auto to = body->is_object() ? body->find("to") : body->end();
  if (to == body->end() || !to->is_string()) {
    return JsonError(Status::InvalidArgument("to is required"));
  }
  const auto address = NormalizeEmail(to->get<std::string>());
  if (!address.ok()) {
    return JsonError(Status::InvalidArgument("to " + address.status().message()));
  }
  auto content = DraftContent(*survey, *body);
  if (!content.ok()) return JsonError(content.status());
  auto secret = stores_.secrets->TokenSecret();
  if (!secret.ok()) return JsonError(secret.status());
  auto mail = RenderTestEmail(*content, *address, options_.preview, *secret, now,
                              "test-" + RandomHex(12), id);
  if (!mail.ok()) return JsonError(mail.status());
  SendResult sent;
  {
    std::lock_guard<std::mutex> lock(test_mail_mu_);
    sent = options_.test_mail->Send(*mail);
  }
  if (sent.outcome != SendOutcome::kSent) {
    // The owner is waiting for this answer: say what the server said.
    return JsonError(Status::Unavailable("the test email was not sent: " + sent.detail,
                                         "test email: " + sent.detail));
  }
  return Json(200, {{"sent", true}, {"to", *address}, {"message_id", mail->message_id}});
}

HttpResponse AdminApi::Logo(const HttpRequest &request, int64_t id, int64_t now) {
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/surveys/{id}/logo"));
  }
  auto survey = stores_.surveys->GetSurvey(id);
  if (!survey.ok()) return JsonError(survey.status());
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  auto upload = ReadImageUpload(*body);
  if (!upload.ok()) return JsonError(upload.status());
  Status s = stores_.assets->PutImage(
      upload->key, StoredImage{upload->type.content_type, upload->bytes}, now);
  if (!s.ok()) return JsonError(s);
  return Json(201, {{"logo_url", options_.logo_base_url + "logo/" + upload->key},
                    {"content_type", upload->type.content_type},
                    {"bytes", upload->bytes.size()}});
}

HttpResponse AdminApi::Suppressions(const HttpRequest &request,
                                    const std::string &action) {
  if (action.empty()) {
    if (!IsSafeMethod(request.method)) {
      return JsonError(Status::MethodNotAllowed("use GET on api/suppressions"));
    }
    SuppressionQuery q;
    const std::string email = QueryParam(request.query, "email");
    if (!email.empty()) {
      auto normalized = NormalizeEmail(email);
      if (!normalized.ok()) {
        return JsonError(
            Status::InvalidArgument("email " + normalized.status().message()));
      }
      q.email = *normalized;
    }
    Status s = ReadPaging(request, &q.limit, &q.offset);
    if (!s.ok()) return JsonError(s);
    auto list = stores_.surveys->ListSuppressions(q);
    if (!list.ok()) return JsonError(list.status());
    auto total = stores_.surveys->CountSuppressions(q);
    if (!total.ok()) return JsonError(total.status());
    json out = json::array();
    for (const SuppressionView &v : *list) out.push_back(SuppressionToJson(v));
    return Json(200, {{"suppressions", std::move(out)}, {"total", *total}});
  }
  if (action != "lift") {
    return JsonError(
        Status::NotFound("no such admin route: /api/suppressions/" + action));
  }
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed("use POST on api/suppressions/lift"));
  }
  auto address = EmailOfBody(request);
  if (!address.ok()) return JsonError(address.status());
  Status s = stores_.surveys->LiftSuppression(*address);
  if (!s.ok()) return JsonError(s);
  return Json(200, {{"lifted", true}, {"email", *address}});
}

HttpResponse AdminApi::Testimonials(const HttpRequest &request, const Survey &survey) {
  if (!IsSafeMethod(request.method)) {
    return JsonError(
        Status::MethodNotAllowed("use GET on api/surveys/{id}/testimonials"));
  }
  TestimonialQuery q;
  q.survey_id = survey.id;
  const std::string status = QueryParam(request.query, "status");
  if (!status.empty()) {
    auto parsed = ParseTestimonialStatus(status);
    if (!parsed) {
      return JsonError(
          Status::InvalidArgument("status must be pending, approved or rejected"));
    }
    q.status = *parsed;
  }
  Status s = ReadPaging(request, &q.limit, &q.offset);
  if (!s.ok()) return JsonError(s);
  auto list = stores_.testimonials->ListTestimonials(q);
  if (!list.ok()) return JsonError(list.status());
  json items = json::array();
  for (const TestimonialView &t : *list) items.push_back(TestimonialToJson(t));
  return Json(200, {{"testimonials", std::move(items)},
                    {"embed", EmbedSnippetJson(options_.public_url, survey.public_id)}});
}

HttpResponse AdminApi::Moderate(const HttpRequest &request, const Survey &survey,
                                const std::string &answer_id, const std::string &action,
                                int64_t now) {
  int64_t id = 0;
  if (!ParseId(answer_id, &id) || (action != "approve" && action != "reject")) {
    return JsonError(Status::NotFound("no such admin route: /" + request.path));
  }
  if (request.method != "POST") {
    return JsonError(Status::MethodNotAllowed(
        "use POST on api/surveys/{id}/testimonials/{answer_id}/" + action));
  }
  auto body = ParseJsonBody(request);
  if (!body.ok()) return JsonError(body.status());
  auto decision = ReadModeration(*body, action == "approve");
  if (!decision.ok()) return JsonError(decision.status());
  auto moderated =
      stores_.testimonials->ModerateTestimonial(survey.id, id, *decision, now);
  if (!moderated.ok()) return JsonError(moderated.status());
  return Json(200, TestimonialToJson(*moderated));
}

}  // namespace callexa
