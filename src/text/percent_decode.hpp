// Percent-decoding (RFC 3986) of a URL's parts: userinfo from the config, a path segment from a
// request to the port.
#pragma once

#include <string>
#include <string_view>

namespace epsitter::text {

inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%2F" becomes "/", "%00" a NUL byte; '+' stays '+' (that is form encoding, not URL encoding); a
// '%' not followed by two hex digits is kept as it is, as libcurl keeps it.
inline std::string percent_decoded(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && hex_digit_value(encoded[i + 1]) >= 0 &&
        hex_digit_value(encoded[i + 2]) >= 0) {
      decoded +=
          static_cast<char>(hex_digit_value(encoded[i + 1]) * 16 + hex_digit_value(encoded[i + 2]));
      i += 2;
    } else {
      decoded += encoded[i];
    }
  }
  return decoded;
}

}  // namespace epsitter::text
