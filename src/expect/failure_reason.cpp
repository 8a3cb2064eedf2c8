// Why a probe failed: the transport errors plus the failed expectations, a fixed set to alert on.
#include "expect/failure_reason.hpp"

namespace epsitter {

std::string_view to_label(FailureReason reason) {
  switch (reason) {
    case FailureReason::timeout:
      return "timeout";
    case FailureReason::dns:
      return "dns";
    case FailureReason::connection_refused:
      return "connection_refused";
    case FailureReason::connect:
      return "connect";
    case FailureReason::tls:
      return "tls";
    case FailureReason::reset:
      return "reset";
    case FailureReason::protocol:
      return "protocol";
    case FailureReason::too_many_redirects:
      return "too_many_redirects";
    case FailureReason::response_too_large:
      return "response_too_large";
    case FailureReason::other:
      return "other";
    case FailureReason::oauth2:
      return "oauth2";
    case FailureReason::body_too_large:
      return "body_too_large";
    case FailureReason::status:
      return "status";
    case FailureReason::http_version:
      return "http_version";
    case FailureReason::tls_expectation:
      return "tls_expectation";
    case FailureReason::compression:
      return "compression";
    case FailureReason::header:
      return "header";
    case FailureReason::body:
      return "body";
    case FailureReason::json:
      return "json";
    case FailureReason::slow:
      return "slow";
    case FailureReason::cert_expiring:
      return "cert_expiring";
  }
  return "other";
}

FailureReason failure_reason_of(ProbeError error) {
  switch (error) {
    case ProbeError::timeout:
      return FailureReason::timeout;
    case ProbeError::dns:
      return FailureReason::dns;
    case ProbeError::connection_refused:
      return FailureReason::connection_refused;
    case ProbeError::connect:
      return FailureReason::connect;
    case ProbeError::tls:
      return FailureReason::tls;
    case ProbeError::reset:
      return FailureReason::reset;
    case ProbeError::protocol:
      return FailureReason::protocol;
    case ProbeError::too_many_redirects:
      return FailureReason::too_many_redirects;
    case ProbeError::response_too_large:
      return FailureReason::response_too_large;
    case ProbeError::oauth2:
      return FailureReason::oauth2;
    case ProbeError::none:
    case ProbeError::other:
      break;
  }
  return FailureReason::other;
}

}  // namespace epsitter
