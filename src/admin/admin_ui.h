// The admin UI's HTML shell and assets, below the admin location (the JSON
// API is below "api/"). The shell is tiny and revalidated on every load;
// the assets it names are content-hashed and immutable, so a new module
// version is picked up at once and an old one is never half mixed in.
//
// The UI is a single page: its views live in the URL's fragment
// ("#/surveys/3/editor"), so the shell is served at the location itself.
#ifndef CALLEXA_ADMIN_ADMIN_UI_H_
#define CALLEXA_ADMIN_ADMIN_UI_H_

#include <string>
#include <string_view>

#include "http/http_exchange.h"

namespace callexa {

// The admin pages' Content-Security-Policy: scripts and styles from this
// origin only (style attributes are allowed for the emails and pages shown
// in the editor's preview frames), images from here or data: URLs, no
// framing by anyone.
extern const char kAdminContentSecurityPolicy[];

// Answers GET/HEAD of "" (the shell), "index.html" and "assets/<name>";
// 404 JSON for other paths, 405 for other methods.
HttpResponse HandleAdminUi(const HttpRequest &request);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_ADMIN_UI_H_
