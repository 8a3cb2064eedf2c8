// Percent-decoding of a URL path segment (RFC 3986), for names taken from request paths.
#pragma once

#include <string>
#include <string_view>

namespace epsitter {

// "%2F" becomes "/", "%00" a NUL byte; '+' stays '+' (that is form encoding, not path encoding);
// a '%' not followed by two hex digits is kept as it is.
std::string url_decode(std::string_view encoded);

}  // namespace epsitter
