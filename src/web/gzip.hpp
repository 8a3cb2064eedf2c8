// Whether an HTTP client accepts gzip: CivetWeb's own compression is compiled out of Debian's
// build, so /metrics negotiates it itself.
#pragma once

#include <string_view>

namespace epsitter {

// True when an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace epsitter
