// The script the survey owner's website loads from
// /embed/{public id}/testimonials.js: it finds each
// <div data-callexa-testimonials="{public id}">, fetches the approved
// testimonials beside itself (testimonials.json) and renders them into the
// element's open shadow root with text nodes only (never innerHTML), styled
// by CSS custom properties the host page may set:
//   --callexa-font, --callexa-fg, --callexa-muted, --callexa-bg,
//   --callexa-border, --callexa-accent, --callexa-radius, --callexa-columns
// Plain ES2017, no dependencies, under 10 KB.
#ifndef CALLEXA_TESTIMONIALS_EMBED_SCRIPT_H_
#define CALLEXA_TESTIMONIALS_EMBED_SCRIPT_H_

#include <string_view>

namespace callexa {

// The script, compiled into the module: it outlives every request.
std::string_view EmbedScript();

}  // namespace callexa

#endif  // CALLEXA_TESTIMONIALS_EMBED_SCRIPT_H_
