// The outcome of one probe, and the fixed set of reasons a probe can fail to get a response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
  other,               // anything else libcurl reports
};

// The label value used in sitter_http_error_total{error="..."}.
std::string_view to_label(ProbeError error);

struct ProbeResult {
  ProbeError error = ProbeError::none;
  int status_code = 0;  // the final HTTP status; 0 when no response arrived
  double duration_seconds = 0;
  std::int64_t response_bytes = 0;
  std::string error_detail;  // libcurl's message, for logs only
};

}  // namespace epsitter
