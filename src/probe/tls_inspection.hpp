// Reads what TLS looked like on a live libcurl connection: protocol version, cipher, certificates.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "probe/cert_facts.hpp"

namespace epsitter {

struct TlsSnapshot {
  std::string version;            // "TLSv1.3", ...
  std::string cipher;             // OpenSSL's name of the negotiated cipher
  std::optional<CertFacts> cert;  // of the served chain; unset when the peer sent none
};

// What the connection `easy` is using now, or nullopt when it is not a TLS connection. Call it
// while the connection is open (from a header callback): a connection that is not reused is gone
// once the transfer ends.
std::optional<TlsSnapshot> inspect_tls(CURL* easy);

}  // namespace epsitter
