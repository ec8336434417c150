#include "admin/testimonial_json.h"

#include "common/time_format.h"

namespace callexa {

using nlohmann::json;

namespace {

constexpr size_t kMaxDisplayTextBytes = 5000 * 4;  // the comment's limit, in UTF-8

}  // namespace

json TestimonialToJson(const TestimonialView &t) {
  return {
      {"answer_id", t.answer_id},
      {"status", TestimonialStatusName(t.status)},
      {"score", t.score},
      {"comment", t.comment},
      {"display_text", t.display_text.empty() ? t.comment : t.display_text},
      {"shortened", !t.display_text.empty()},
      {"name_format", NameFormatName(t.name_format)},
      {"display_name", DisplayName(t.name_format, t.first_name, t.last_name, t.name)},
      {"consent_text", t.consent_text},
      {"email", t.email},
      {"first_name", t.first_name},
      {"last_name", t.last_name},
      {"answered_at", FormatIso8601(t.answered_at)},
      {"decided_at", t.decided_at ? json(FormatIso8601(*t.decided_at)) : json(nullptr)},
  };
}

Result<Moderation> ReadModeration(const json &body, bool approve) {
  if (!body.is_object()) return Status::InvalidArgument("body must be a JSON object");
  Moderation m;
  m.approve = approve;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string &key = it.key();
    if (!approve) {
      return Status::InvalidArgument("reject takes no fields (got \"" + key + "\")");
    }
    if (key == "display_text") {
      if (it->is_null()) {
        m.display_text = std::string();
      } else if (!it->is_string() ||
                 it->get_ref<const std::string &>().size() > kMaxDisplayTextBytes) {
        return Status::InvalidArgument("display_text must be a string");
      } else {
        m.display_text = it->get<std::string>();
      }
    } else if (key == "display_name") {
      const auto format =
          it->is_string() ? ParseNameFormat(it->get<std::string>()) : std::nullopt;
      if (!format) {
        return Status::InvalidArgument(
            "display_name must be first_last_initial, first_name, initials or "
            "anonymous");
      }
      m.name_format = format;
    } else {
      return Status::InvalidArgument("unknown field \"" + key + "\"");
    }
  }
  return m;
}

json EmbedSnippetJson(const std::string &public_url, const std::string &public_id) {
  const std::string base = public_url + "/embed/" + public_id + "/testimonials";
  return {
      {"snippet", "<div data-callexa-testimonials=\"" + public_id +
                      "\"></div>\n<script async src=\"" + base + ".js\"></script>"},
      {"script_url", base + ".js"},
      {"json_url", base + ".json"},
      {"html_url", base + ".html"},
  };
}

}  // namespace callexa
