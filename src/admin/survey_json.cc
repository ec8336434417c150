#include "admin/survey_json.h"

#include <algorithm>

#include "common/email_address.h"
#include "common/time_format.h"
#include "common/web_url.h"
#include "ingest/identify_message.h"
#include "mail/mime_encoding.h"
#include "policy/reminder_rules.h"
#include "policy/send_window.h"
#include "survey/survey_content.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kMaxDays = 3650;
constexpr size_t kMaxNameBytes = 200;

json OptionalTime(const std::optional<int64_t> &t) {
  return t ? json(FormatIso8601(*t)) : json(nullptr);
}

Status IntField(const std::string &name, const json &v, int64_t lo, int64_t hi,
                int64_t *out) {
  if (!v.is_number_integer())
    return Status::InvalidArgument(name + " must be an integer");
  const int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) {
    return Status::InvalidArgument(name + " must be between " + std::to_string(lo) +
                                   " and " + std::to_string(hi));
  }
  *out = n;
  return Status::Ok();
}

// The stored content as the owner sees it: every field, unset ones empty.
json ContentJson(const std::string &stored) {
  const json parsed = json::parse(stored, nullptr, false);
  Result<SurveyContent> content =
      ReadSurveyContent(parsed.is_discarded() ? json::object() : parsed);
  return SurveyContentToJson(content.ok() ? *content : SurveyContent{});
}

Status ApplyContent(const json &patch, Survey *s) {
  if (!patch.is_object()) return Status::InvalidArgument("content must be a JSON object");
  // Only what the owner changes now: stored content is never refused.
  Status placeholders = CheckPlaceholders(patch);
  if (!placeholders.ok()) return placeholders;
  json merged = json::parse(s->content_json, nullptr, false);
  if (!merged.is_object()) merged = json::object();
  merged.merge_patch(patch);
  Result<SurveyContent> content = ReadSurveyContent(merged);
  if (!content.ok()) return content.status();
  s->content_json =
      SurveyContentToJson(*content).dump(-1, ' ', false, json::error_handler_t::replace);
  return Status::Ok();
}

constexpr size_t kMaxEmbedOrigins = 20;

// "https://acme.example" or "http://localhost:3000": an origin as browsers
// send it, lowercased, without a path.
Status ApplyEmbedOrigins(const json &v, Survey *s) {
  std::vector<std::string> origins;
  if (!v.is_null()) {
    if (!v.is_array() || v.size() > kMaxEmbedOrigins) {
      return Status::InvalidArgument(
          "embed_origins must be a list of at most 20 origins");
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string name = "embed_origins[" + std::to_string(i) + "]";
      if (!v[i].is_string()) return Status::InvalidArgument(name + " must be a string");
      std::string origin = v[i].get<std::string>();
      for (char &ch : origin) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      while (!origin.empty() && origin.back() == '/') origin.pop_back();
      Status st = CheckWebUrl(origin, false, name);
      if (!st.ok()) return st;
      if (origin.find_first_of("/?#", origin.find("://") + 3) != std::string::npos) {
        return Status::InvalidArgument(name +
                                       " must be an origin (scheme and host), no path");
      }
      origins.push_back(std::move(origin));
    }
  }
  s->embed_origins = std::move(origins);
  return Status::Ok();
}

constexpr size_t kMaxReportRecipients = 20;

// The report email's addresses: trimmed, lowercased, without repeats.
Status ApplyReportRecipients(const json &v, Survey *s) {
  if (!v.is_array() || v.size() > kMaxReportRecipients) {
    return Status::InvalidArgument(
        "report_recipients must be a list of at most 20 email addresses");
  }
  std::vector<std::string> recipients;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string name = "report_recipients[" + std::to_string(i) + "]";
    if (!v[i].is_string()) return Status::InvalidArgument(name + " must be a string");
    const auto email = NormalizeEmail(v[i].get<std::string>());
    if (!email.ok())
      return Status::InvalidArgument(name + " " + email.status().message());
    if (std::find(recipients.begin(), recipients.end(), *email) == recipients.end()) {
      recipients.push_back(*email);
    }
  }
  s->report_recipients = std::move(recipients);
  return Status::Ok();
}

constexpr size_t kMaxAlertRecipients = 20;

// {"on": "detractors", "recipients": [...]}: either key may be left out
// (kept as it is); addresses as for the report.
Status ApplyAlerts(const json &v, Survey *s) {
  if (!v.is_object()) return Status::InvalidArgument("alerts must be a JSON object");
  AlertSettings alerts = s->alerts;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "on") {
      const auto on =
          it->is_string() ? ParseAlertBands(it->get<std::string>()) : std::nullopt;
      if (!on) {
        return Status::InvalidArgument(
            "alerts.on must be \"off\", \"detractors\", \"detractors_and_passives\" "
            "or \"all\"");
      }
      alerts.on = *on;
    } else if (it.key() == "recipients") {
      if (!it->is_array() || it->size() > kMaxAlertRecipients) {
        return Status::InvalidArgument(
            "alerts.recipients must be a list of at most 20 email addresses");
      }
      alerts.recipients.clear();
      for (size_t i = 0; i < it->size(); ++i) {
        const std::string name = "alerts.recipients[" + std::to_string(i) + "]";
        const json &item = (*it)[i];
        if (!item.is_string()) return Status::InvalidArgument(name + " must be a string");
        const auto email = NormalizeEmail(item.get<std::string>());
        if (!email.ok())
          return Status::InvalidArgument(name + " " + email.status().message());
        if (std::find(alerts.recipients.begin(), alerts.recipients.end(), *email) ==
            alerts.recipients.end()) {
          alerts.recipients.push_back(*email);
        }
      }
    } else {
      return Status::InvalidArgument("unknown field \"alerts." + it.key() + "\"");
    }
  }
  s->alerts = std::move(alerts);
  return Status::Ok();
}

// An address, or empty (null too) for none.
Status ApplyReplyTo(const json &v, Survey *s) {
  if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) {
    s->reply_to.clear();
    return Status::Ok();
  }
  if (!v.is_string()) return Status::InvalidArgument("reply_to must be a string");
  const auto email = NormalizeEmail(v.get<std::string>());
  if (!email.ok()) return Status::InvalidArgument("reply_to " + email.status().message());
  s->reply_to = *email;
  return Status::Ok();
}

Status ApplyField(const std::string &key, const json &v, Survey *s) {
  int64_t n = 0;
  Status st;
  if (key == "name") {
    if (!v.is_string()) return Status::InvalidArgument("name must be a string");
    std::string name = v.get<std::string>();
    if (name.empty() || name.size() > kMaxNameBytes) {
      return Status::InvalidArgument("name must have 1 to 200 bytes");
    }
    s->name = std::move(name);
  } else if (key == "min_delay_days") {
    if ((st = IntField(key, v, 0, kMaxDays, &n)).ok()) s->policy.min_delay_days = int(n);
  } else if (key == "max_delay_days") {
    if ((st = IntField(key, v, 0, kMaxDays, &n)).ok()) s->policy.max_delay_days = int(n);
  } else if (key == "resurvey_interval_days") {
    if ((st = IntField(key, v, 0, kMaxDays, &n)).ok()) {
      s->policy.resurvey_interval_days = int(n);
    }
  } else if (key == "automation") {
    if (!v.is_boolean())
      return Status::InvalidArgument("automation must be true or false");
    s->policy.automation = v.get<bool>();
  } else if (key == "segment_write_key") {
    if (v.is_null()) {
      s->segment_write_key.clear();
    } else if (!v.is_string() || v.get<std::string>().size() > 200) {
      return Status::InvalidArgument(
          "segment_write_key must be a string of at most 200 bytes");
    } else {
      s->segment_write_key = v.get<std::string>();
    }
  } else if (key == "monthly_budget") {
    if (v.is_null()) {
      s->policy.monthly_budget.reset();
    } else if ((st = IntField(key, v, 0, 100000000, &n)).ok()) {
      s->policy.monthly_budget = n;
    }
  } else if (key == "retention_months") {
    if (v.is_null()) {
      s->retention_months.reset();
    } else if ((st = IntField(key, v, 1, 120, &n)).ok()) {
      s->retention_months = n;
    }
  } else if (key == "reminder_after_days") {
    if (v.is_null()) {
      s->reminder_after_days.reset();
    } else if ((st = IntField(key, v, kMinReminderDays, kMaxReminderDays, &n)).ok()) {
      s->reminder_after_days = int(n);
    }
  } else if (key == "send_window") {
    if (v.is_null()) {
      s->send_window.clear();
      return Status::Ok();
    }
    Result<SendWindow> window = SendWindow::Parse(v);
    if (!window.ok()) return window.status();
    s->send_window = window->ToJson().dump();
  } else if (key == "report_frequency") {
    const auto frequency =
        v.is_string() ? ParseReportFrequency(v.get<std::string>()) : std::nullopt;
    if (!frequency) {
      return Status::InvalidArgument(
          "report_frequency must be \"off\", \"weekly\" or \"monthly\"");
    }
    s->report_frequency = *frequency;
  } else if (key == "report_recipients") {
    return ApplyReportRecipients(v, s);
  } else if (key == "alerts") {
    return ApplyAlerts(v, s);
  } else if (key == "reply_to") {
    return ApplyReplyTo(v, s);
  } else if (key == "content") {
    return ApplyContent(v, s);
  } else if (key == "embed_origins") {
    return ApplyEmbedOrigins(v, s);
  } else if (key == "id" || key == "public_id" || key == "api_key" ||
             key == "created_at" || key == "updated_at" || key == "archived_at") {
    return Status::InvalidArgument(key + " is read-only");
  } else {
    return Status::InvalidArgument("unknown field \"" + key + "\"");
  }
  return st;
}

}  // namespace

json SurveyToJson(const Survey &s) {
  return {
      {"id", s.id},
      {"public_id", s.public_id},
      {"api_key", s.api_key},
      {"name", s.name},
      {"min_delay_days", s.policy.min_delay_days},
      {"max_delay_days", s.policy.max_delay_days},
      {"resurvey_interval_days", s.policy.resurvey_interval_days},
      {"automation", s.policy.automation},
      {"segment_write_key", s.segment_write_key},
      {"monthly_budget",
       s.policy.monthly_budget ? json(*s.policy.monthly_budget) : json(nullptr)},
      {"embed_origins", s.embed_origins},
      {"retention_months",
       s.retention_months ? json(*s.retention_months) : json(nullptr)},
      {"report_frequency", ReportFrequencyName(s.report_frequency)},
      {"report_recipients", s.report_recipients},
      {"alerts",
       {{"on", AlertBandsName(s.alerts.on)}, {"recipients", s.alerts.recipients}}},
      {"reply_to", s.reply_to},
      {"reminder_after_days",
       s.reminder_after_days ? json(*s.reminder_after_days) : json(nullptr)},
      {"send_window", s.send_window.empty() ? json(nullptr)
                                            : json::parse(s.send_window, nullptr, false)},
      {"archived_at", OptionalTime(s.archived_at)},
      {"created_at", FormatIso8601(s.created_at)},
      {"updated_at", FormatIso8601(s.updated_at)},
      {"content", ContentJson(s.content_json)},
  };
}

json ReportRunToJson(const ReportRun &run) {
  return {{"period_from", FormatIso8601(run.period.from)},
          {"period_to", FormatIso8601(run.period.to)},
          {"status", ReportRunStatusName(run.status)},
          {"attempts", run.attempts},
          {"recipients_handled", run.handled.size()},
          {"last_error", run.last_error},
          {"finished_at", OptionalTime(run.finished_at)}};
}

// An invitation's reminder: null until the scheduler takes it up.
json ReminderJson(const InvitationView &i) {
  if (!i.reminder_status) return nullptr;
  return {{"status", ReminderStatusName(*i.reminder_status)},
          {"sent_at", OptionalTime(i.reminder_sent_at)},
          {"last_error", i.reminder_error}};
}

json CustomerToJson(const CustomerView &c) {
  json invitations = json::array();
  for (const InvitationView &i : c.invitations) {
    invitations.push_back({{"id", i.id != 0 ? json(i.id) : json(nullptr)},
                           {"status", InvitationStatusName(i.status)},
                           {"due_at", FormatIso8601(i.due_at)},
                           {"created_at", FormatIso8601(i.created_at)},
                           {"sent_at", OptionalTime(i.sent_at)},
                           {"answered_at", OptionalTime(i.answered_at)},
                           {"last_error", i.last_error},
                           {"next_attempt_at", OptionalTime(i.next_attempt_at)},
                           {"reminder", ReminderJson(i)}});
  }
  return {
      {"id", c.id},
      {"email", c.email},
      {"user_id", c.user_id},
      {"anonymous_id", c.anonymous_id},
      {"first_name", c.first_name},
      {"last_name", c.last_name},
      {"name", c.name},
      {"gender", c.gender},
      {"created_at", OptionalTime(c.created_at)},
      {"first_seen_at", FormatIso8601(c.first_seen_at)},
      {"last_seen_at", FormatIso8601(c.last_seen_at)},
      {"state", c.state},
      {"reason", c.reason.empty() ? json(nullptr) : json(c.reason)},
      {"due_at", OptionalTime(c.due_at)},
      {"invitations", std::move(invitations)},
  };
}

json ResponseToJson(const ResponseView &r) {
  const Answer &a = r.answer.answer;
  return {
      {"invitation_id", r.invitation_id},
      {"customer_id", r.customer_id},
      {"email", r.email},
      {"first_name", r.first_name},
      {"last_name", r.last_name},
      {"name", r.name},
      {"score", a.score},
      {"comment", a.comment},
      {"tag_ratings", a.tag_ratings},
      {"extra_answers", a.extra_answers},
      {"consent", a.consent},
      {"created_at", FormatIso8601(r.answer.created_at)},
      {"answered_at", FormatIso8601(r.answer.answered_at)},
  };
}

Status ApplySurveySettings(const json &patch, Survey *survey) {
  if (!patch.is_object()) return Status::InvalidArgument("body must be a JSON object");
  Survey updated = *survey;
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    Status s = ApplyField(it.key(), it.value(), &updated);
    if (!s.ok()) return s;
  }
  const SurveyPolicy &p = updated.policy;
  if (p.max_delay_days > 0 && p.max_delay_days < p.min_delay_days) {
    return Status::InvalidArgument("max_delay_days must be 0 or at least min_delay_days");
  }
  *survey = std::move(updated);
  return Status::Ok();
}

json DeliveryOverviewToJson(const DeliveryOverview &o) {
  json out = json::object();
  for (InvitationStatus st :
       {InvitationStatus::kScheduled, InvitationStatus::kQueued,
        InvitationStatus::kSending, InvitationStatus::kRetry, InvitationStatus::kSent,
        InvitationStatus::kAnswered, InvitationStatus::kBounced,
        InvitationStatus::kFailed, InvitationStatus::kSuppressed}) {
    const auto it = o.counts.find(st);
    out[InvitationStatusName(st)] = it == o.counts.end() ? 0 : it->second;
  }
  json errors = json::array();
  for (const DeliveryOverview::Problem &p : o.recent_problems) {
    errors.push_back({{"email", p.email},
                      {"status", InvitationStatusName(p.status)},
                      {"error", p.error},
                      {"at", FormatIso8601(p.at)}});
  }
  out["last_errors"] = std::move(errors);
  return out;
}

json SuppressionToJson(const SuppressionView &s) {
  return {{"email", s.email},
          {"reason", SuppressionReasonName(s.reason)},
          {"created_at", FormatIso8601(s.created_at)}};
}

}  // namespace callexa
