// Reads what TLS looked like on a live libcurl connection: protocol version, certificate expiry.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <string>

namespace epsitter {

struct TlsSnapshot {
  std::string version;                         // "TLSv1.3", ...
  std::optional<std::int64_t> cert_not_after;  // earliest notAfter in the served chain, Unix s
};

// What the connection `easy` is using now, or nullopt when it is not a TLS connection. Call it
// while the connection is open (from a header callback): a connection that is not reused is gone
// once the transfer ends.
std::optional<TlsSnapshot> inspect_tls(CURL* easy);

}  // namespace epsitter
