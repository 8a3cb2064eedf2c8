// Maps libcurl's result codes onto the fixed ProbeError set.
#include "probe/error_classification.hpp"

#include <cerrno>

namespace epsitter {

std::string_view to_label(ProbeError error) {
  switch (error) {
    case ProbeError::none:
      return "none";
    case ProbeError::timeout:
      return "timeout";
    case ProbeError::dns:
      return "dns";
    case ProbeError::connection_refused:
      return "connection_refused";
    case ProbeError::connect:
      return "connect";
    case ProbeError::tls:
      return "tls";
    case ProbeError::reset:
      return "reset";
    case ProbeError::protocol:
      return "protocol";
    case ProbeError::too_many_redirects:
      return "too_many_redirects";
    case ProbeError::response_too_large:
      return "response_too_large";
    case ProbeError::other:
      return "other";
    case ProbeError::oauth2:
      return "oauth2";
  }
  return "other";
}

ProbeError classify_curl_error(CURLcode code, long os_errno) {
  switch (code) {
    case CURLE_OK:
      return ProbeError::none;
    case CURLE_OPERATION_TIMEDOUT:
      return ProbeError::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ProbeError::dns;
    case CURLE_COULDNT_CONNECT:
      // libcurl reports refused, unreachable and no-route alike; the socket's errno tells them
      // apart.
      return os_errno == ECONNREFUSED ? ProbeError::connection_refused : ProbeError::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return ProbeError::tls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:  // the connection closed before the announced body was complete
    case CURLE_GOT_NOTHING:   // the connection closed without a single byte of response
      return ProbeError::reset;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ProbeError::protocol;
    case CURLE_TOO_MANY_REDIRECTS:
      return ProbeError::too_many_redirects;
    default:
      return ProbeError::other;
  }
}

ProbeError classify_transfer_error(CURLcode code, long os_errno, const TransferObservations& seen) {
  if (seen.headers_too_large) return ProbeError::response_too_large;
  if (code == CURLE_OUT_OF_MEMORY && seen.inside_headers) return ProbeError::response_too_large;
  const ProbeError error = classify_curl_error(code, os_errno);
  if (error == ProbeError::reset && seen.peer_tls_alert) return ProbeError::tls;
  return error;
}

std::string_view os_error_hint(long os_errno) {
  if (os_errno == EMFILE || os_errno == ENFILE) {
    return " (out of file descriptors: raise the open file limit, ulimit -n)";
  }
  return {};
}

}  // namespace epsitter
