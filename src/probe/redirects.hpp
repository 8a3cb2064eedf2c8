// What changes from one hop of a redirect chain to the next: the method and body (as browsers and
// RFC 9110 have it), and whether the next URL is still the first hop's origin, to which alone
// credentials and secret headers go.
#pragma once

#include <optional>
#include <string>

namespace epsitter {

// Scheme, host and port (the default one filled in): RFC 6454's origin of an http(s) URL.
struct Origin {
  std::string scheme;
  std::string host;  // lower case
  long port = 0;

  friend bool operator==(const Origin& a, const Origin& b) {
    return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
  }
  friend bool operator!=(const Origin& a, const Origin& b) { return !(a == b); }
};

// nullopt when libcurl cannot parse `url` as an absolute http or https URL.
std::optional<Origin> origin_of(const std::string& url);

// The statuses whose Location is followed.
bool is_followed_redirect(long status);

struct NextRequest {
  std::string method;
  bool keeps_body = false;
};

// 303 turns every method but HEAD into a bodiless GET; 301 and 302 turn POST into GET (what every
// browser, and libcurl by default, does); 307 and 308 keep method and body.
NextRequest after_redirect(const std::string& method, long status);

}  // namespace epsitter
