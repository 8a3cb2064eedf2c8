// The user and password of an `Authorization: Basic ...` header (RFC 7617).
#pragma once

#include <optional>
#include <string>

namespace epsitter {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// nullopt for a missing header, another scheme, malformed base64 or no ':' in the decoded text.
std::optional<BasicCredentials> parse_basic_authorization(const char* header);

}  // namespace epsitter
