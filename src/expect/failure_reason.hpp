// Why a probe failed: the transport errors plus the failed expectations, a fixed set to alert on.
#pragma once

#include <array>
#include <string_view>

#include "probe/probe_result.hpp"

namespace epsitter {

// Transport reasons first (no response arrived, as in sitter_http_error_total), then the
// expectations a response failed, in the order they are checked.
enum class FailureReason {
  timeout,
  dns,
  connection_refused,
  connect,
  tls,
  reset,
  protocol,
  too_many_redirects,
  response_too_large,  // the response's header section exceeded the bounds
  other,
  oauth2,          // no OAuth 2.0 token could be got: the target was not asked (ProbeError::oauth2)
  body_too_large,  // a response's body is longer than max_body_size (checked before status)
  status,          // the status code is not one of expect_status
  // The final response's HTTP version is not one of expect_http_version.
  http_version,
  // The final response did (not) come over TLS, against expect_tls.
  tls_expectation,
  // The final response's Content-Encoding is not the one `compression` asked for.
  compression,
  header,         // an expect_headers header is missing or does not match, or an
                  // expect_headers_absent header matches
  body,           // expect_body did not match, or expect_body_absent did
  json,           // the body is not JSON, or an expect_json path is missing or different
  slow,           // the probe took longer than max_response_time
  cert_expiring,  // the served certificate chain expires within min_cert_days
};

inline constexpr std::array<FailureReason, 21> kAllFailureReasons{FailureReason::timeout,
                                                                  FailureReason::dns,
                                                                  FailureReason::connection_refused,
                                                                  FailureReason::connect,
                                                                  FailureReason::tls,
                                                                  FailureReason::reset,
                                                                  FailureReason::protocol,
                                                                  FailureReason::too_many_redirects,
                                                                  FailureReason::response_too_large,
                                                                  FailureReason::other,
                                                                  FailureReason::oauth2,
                                                                  FailureReason::body_too_large,
                                                                  FailureReason::status,
                                                                  FailureReason::http_version,
                                                                  FailureReason::tls_expectation,
                                                                  FailureReason::compression,
                                                                  FailureReason::header,
                                                                  FailureReason::body,
                                                                  FailureReason::json,
                                                                  FailureReason::slow,
                                                                  FailureReason::cert_expiring};

// The label value in sitter_probe_failures_total{reason="..."}.
std::string_view to_label(FailureReason reason);

// The reason for a probe that got no response; `error` must not be ProbeError::none.
FailureReason failure_reason_of(ProbeError error);

}  // namespace epsitter
