// A target's `oauth2:` block: where and how to get a client-credentials token (RFC 6749 4.4).
#pragma once

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace epsitter {

// Also the key of the token cache: targets whose settings are equal share one token.
struct OAuth2Settings {
  std::string token_url;  // http(s), without userinfo
  std::string client_id;
  std::string client_secret;        // inline or from client_secret_file; never logged
  std::vector<std::string> scopes;  // sent space-joined as `scope`
  // Extra form fields of the token request (`endpoint_params`), sorted by name.
  std::vector<std::pair<std::string, std::string>> params;

  auto tie() const { return std::tie(token_url, client_id, client_secret, scopes, params); }
  friend bool operator==(const OAuth2Settings& a, const OAuth2Settings& b) {
    return a.tie() == b.tie();
  }
  friend bool operator<(const OAuth2Settings& a, const OAuth2Settings& b) {
    return a.tie() < b.tie();
  }
};

}  // namespace epsitter
