// The admin UI's bundled assets, compiled into the module (generated into
// ui_bundle.cc by ui/bundle.mjs). Names carry a hash of their content, so
// browsers may keep them for good.
#ifndef CALLEXA_ADMIN_UI_BUNDLE_H_
#define CALLEXA_ADMIN_UI_BUNDLE_H_

#include <cstddef>
#include <string_view>

namespace callexa {

struct UiAsset {
  std::string_view name;          // "app-<hash>.js"
  std::string_view content_type;  // with charset
  std::string_view body;
};

// Every asset; `*count` receives their number. Static storage.
const UiAsset *UiAssets(size_t *count);

// The names the HTML shell links to.
std::string_view UiScriptName();
std::string_view UiStyleName();

}  // namespace callexa

#endif  // CALLEXA_ADMIN_UI_BUNDLE_H_
