// Checking a password against a bcrypt hash, with the system's crypt (libxcrypt on Debian).
#include "web/bcrypt.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <cstring>
#include <memory>

namespace epsitter {

bool bcrypt_matches(const std::string& password, const std::string& hash) {
  if (password.find('\0') != std::string::npos) return false;
  // crypt_data is 32 KiB: on the heap, not on a CivetWeb worker's small stack. crypt_rn, unlike
  // crypt_r, returns nullptr on failure instead of a "*0" string.
  auto data = std::make_unique<crypt_data>();
  const char* result = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  const bool matches = result != nullptr && std::strlen(result) == hash.size() &&
                       CRYPTO_memcmp(result, hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));  // it held the password
  return matches;
}

}  // namespace epsitter
