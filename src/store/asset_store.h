// Images the owner uploads (a survey's logo), kept in the database so that
// every worker and every nginx host serve the same ones, and the module
// stays the whole install.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_ASSET_STORE_H_
#define CALLEXA_STORE_ASSET_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace callexa {

struct StoredImage {
  std::string content_type;  // image/png, image/jpeg, image/gif, image/webp
  std::string bytes;
};

class AssetStore {
 public:
  virtual ~AssetStore() = default;

  // Keeps `image` under `key` (its content hash and extension: the same
  // bytes always get the same key, so a second upload changes nothing).
  virtual Status PutImage(const std::string &key, const StoredImage &image,
                          int64_t now) = 0;
  // The image kept under `key`; nullopt when there is none.
  virtual Result<std::optional<StoredImage>> GetImage(const std::string &key) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_ASSET_STORE_H_
