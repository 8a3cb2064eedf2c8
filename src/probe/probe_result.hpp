// The outcome of one probe, and the fixed set of reasons a probe can fail to get a response.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/cert_facts.hpp"

namespace epsitter {

// Why no HTTP response arrived. The set is fixed so that users can alert on it; `none` means a
// response (of any status) came back.
enum class ProbeError {
  none,
  timeout,             // the request did not finish within its timeout
  dns,                 // the host name did not resolve
  connection_refused,  // the port actively refused the connection
  connect,             // any other connect failure (unreachable network or host)
  tls,                 // handshake or certificate verification failed
  reset,               // the peer closed or reset the connection before a full response
  protocol,            // the peer did not speak valid HTTP
  too_many_redirects,  // the redirect limit was reached
  response_too_large,  // the response's header section exceeded our or libcurl's bounds
  other,               // anything else libcurl reports
  oauth2,              // no OAuth 2.0 token to send: the probe was not sent (see token_cache.hpp)
};

// The name of a ProbeError in logs and in the reason label of sitter_probe_failures_total.
std::string_view to_label(ProbeError error);

// Seconds spent in each phase of the final request (after any redirects). They follow each other,
// so they add up to that request's time: name lookup, TCP connect, TLS handshake, then from the
// connection being ready to the first response byte (request sent, server at work), then the rest.
struct PhaseTimes {
  double dns = 0;
  double connect = 0;
  double tls = 0;
  double ttfb = 0;
  double transfer = 0;
};

using ResponseHeaders = std::vector<std::pair<std::string, std::string>>;

struct ProbeResult {
  ProbeError error = ProbeError::none;
  int status_code = 0;  // the final HTTP status; 0 when no response arrived
  double duration_seconds = 0;
  // Body bytes received as they came over the wire: at most the body limit, or, when a content
  // coding was asked for (ProbeRequest::accept_encoding), libcurl's count of encoded bytes read.
  std::int64_t response_bytes = 0;
  std::int64_t uncompressed_bytes = 0;  // body bytes after decoding, at most the body limit
  std::string error_detail;             // libcurl's message, for logs only

  double finished_unix_seconds = 0;  // wall-clock time the probe ended
  // When the engine started the transfer; set by the engine for every result.
  std::chrono::steady_clock::time_point started;
  PhaseTimes phases;
  long redirects = 0;       // redirects followed
  double http_version = 0;  // of the final response: 1.0, 1.1, 2 or 3; 0 when none
  std::string tls_version;  // "TLSv1.3", ...; empty unless the final response used TLS
  std::optional<std::int64_t> cert_not_after;  // earliest notAfter in the served chain, Unix s
  std::string tls_cipher;  // of the final response's connection; empty unless it used TLS
  // The served chain of the final connection, also when its verification failed (the probe then
  // fails as `tls`); unset when no certificate was seen.
  std::optional<CertFacts> cert;
  bool body_truncated = false;  // the body was longer than the limit; the rest was not read
  // A response of the chain had a body longer than max_body_size: the probe fails as
  // `body_too_large` (reading stopped there; `body` holds what came before).
  bool body_too_large = false;
  std::string content_encoding;  // the final response's Content-Encoding; empty when it has none
  std::string body;         // only when the request asked for it, at most the body limit (decoded)
  ResponseHeaders headers;  // of the final response, only when the request asked for them
};

}  // namespace epsitter
