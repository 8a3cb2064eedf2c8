// Decides whether one probe succeeded: a response arrived and every expectation held.
#pragma once

#include <optional>
#include <string>

#include "expect/expectations.hpp"
#include "expect/failure_reason.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

struct Verdict {
  std::optional<FailureReason> failure;  // unset: success
  std::string detail;  // for logs: what failed; never a header value or a piece of the body

  bool success() const { return !failure; }
};

// Checks in a fixed order and reports the first failure: no response, then body_too_large
// (max_body_size), status, http_version, tls_expectation, compression, header (expect_headers and
// expect_headers_absent), body, json, slow (max_response_time), cert_expiring (days left counted
// from the probe's end).
Verdict evaluate(const Expectations& expect, const ProbeResult& result);

}  // namespace epsitter
