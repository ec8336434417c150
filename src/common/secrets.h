// Unguessable tokens and their comparison.
#ifndef CALLEXA_COMMON_SECRETS_H_
#define CALLEXA_COMMON_SECRETS_H_

#include <string>
#include <string_view>

namespace callexa {

// `bytes` bytes from the kernel's CSPRNG (getrandom), as lowercase hex.
// Never fails silently: aborts the operation with std::runtime_error, which
// callers at the C boundary catch.
std::string RandomHex(size_t bytes);

// Compares in time that depends only on the lengths, never on where the
// first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace callexa

#endif  // CALLEXA_COMMON_SECRETS_H_
