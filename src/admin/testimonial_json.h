// JSON of the admin's testimonial routes: the moderation queue, the
// owner's decision, and the snippet to paste into a website.
#ifndef CALLEXA_ADMIN_TESTIMONIAL_JSON_H_
#define CALLEXA_ADMIN_TESTIMONIAL_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "store/testimonial_store.h"

namespace callexa {

// answer_id, status, score, comment, display_text (the shown text),
// name_format, display_name (as the embed shows it), consent_text, email,
// names, answered_at, decided_at.
nlohmann::json TestimonialToJson(const TestimonialView &t);

// The body of approve ({"display_text"?, "display_name"?: a name format})
// or reject ({}). InvalidArgument naming a wrong field; reject takes none.
Result<Moderation> ReadModeration(const nlohmann::json &body, bool approve);

// {"snippet", "script_url", "json_url", "html_url"} of the survey's embed,
// below `public_url` (callexa_public_url; relative when empty).
nlohmann::json EmbedSnippetJson(const std::string &public_url,
                                const std::string &public_id);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_TESTIMONIAL_JSON_H_
