// Unit tests for mapping libcurl result codes onto the fixed error labels.
#include <catch2/catch.hpp>
#include <cerrno>
#include <set>
#include <string>

#include "probe/error_classification.hpp"

using epsitter::classify_curl_error;
using epsitter::classify_transfer_error;
using epsitter::os_error_hint;
using epsitter::ProbeError;
using epsitter::to_label;
using epsitter::TransferObservations;

TEST_CASE("a finished transfer is no error") {
  CHECK(classify_curl_error(CURLE_OK, 0) == ProbeError::none);
}

TEST_CASE("a refused port is told apart from an unreachable host by errno") {
  CHECK(classify_curl_error(CURLE_COULDNT_CONNECT, ECONNREFUSED) == ProbeError::connection_refused);
  CHECK(classify_curl_error(CURLE_COULDNT_CONNECT, EHOSTUNREACH) == ProbeError::connect);
  CHECK(classify_curl_error(CURLE_COULDNT_CONNECT, ENETUNREACH) == ProbeError::connect);
}

TEST_CASE("each family of curl errors gets its reason") {
  CHECK(classify_curl_error(CURLE_OPERATION_TIMEDOUT, 0) == ProbeError::timeout);
  CHECK(classify_curl_error(CURLE_COULDNT_RESOLVE_HOST, 0) == ProbeError::dns);
  CHECK(classify_curl_error(CURLE_COULDNT_RESOLVE_PROXY, 0) == ProbeError::dns);
  CHECK(classify_curl_error(CURLE_PEER_FAILED_VERIFICATION, 0) == ProbeError::tls);
  CHECK(classify_curl_error(CURLE_SSL_CONNECT_ERROR, 0) == ProbeError::tls);
  CHECK(classify_curl_error(CURLE_RECV_ERROR, ECONNRESET) == ProbeError::reset);
  CHECK(classify_curl_error(CURLE_GOT_NOTHING, 0) == ProbeError::reset);
  CHECK(classify_curl_error(CURLE_PARTIAL_FILE, 0) == ProbeError::reset);
  CHECK(classify_curl_error(CURLE_WEIRD_SERVER_REPLY, 0) == ProbeError::protocol);
  CHECK(classify_curl_error(CURLE_TOO_MANY_REDIRECTS, 0) == ProbeError::too_many_redirects);
  CHECK(classify_curl_error(CURLE_OUT_OF_MEMORY, 0) == ProbeError::other);
}

TEST_CASE("a header section over the bounds is response_too_large, whoever stopped it") {
  TransferObservations ours;
  ours.headers_too_large = true;  // our header callback stopped the transfer
  CHECK(classify_transfer_error(CURLE_WRITE_ERROR, 0, ours) == ProbeError::response_too_large);
  TransferObservations in_headers;
  in_headers.inside_headers = true;  // libcurl refused a line over its own limit
  CHECK(classify_transfer_error(CURLE_OUT_OF_MEMORY, 0, in_headers) ==
        ProbeError::response_too_large);
  CHECK(to_label(ProbeError::response_too_large) == "response_too_large");
  // Out of memory anywhere else is not the response's size.
  CHECK(classify_transfer_error(CURLE_OUT_OF_MEMORY, 0, {}) == ProbeError::other);
  // A connection reset in the middle of the headers is still a reset.
  CHECK(classify_transfer_error(CURLE_RECV_ERROR, ECONNRESET, in_headers) == ProbeError::reset);
}

TEST_CASE("a connection the server ended with a fatal TLS alert is tls, not reset") {
  TransferObservations alerted;
  alerted.peer_tls_alert = true;
  CHECK(classify_transfer_error(CURLE_RECV_ERROR, 0, alerted) == ProbeError::tls);
  CHECK(classify_transfer_error(CURLE_SEND_ERROR, 0, alerted) == ProbeError::tls);
  CHECK(classify_transfer_error(CURLE_GOT_NOTHING, 0, alerted) == ProbeError::tls);
  CHECK(classify_transfer_error(CURLE_RECV_ERROR, ECONNRESET, {}) == ProbeError::reset);
  // An alert does not turn a timeout into a TLS failure.
  CHECK(classify_transfer_error(CURLE_OPERATION_TIMEDOUT, 0, alerted) == ProbeError::timeout);
}

TEST_CASE("every reason has a distinct label made of lower-case letters, digits and underscores") {
  const ProbeError all[] = {ProbeError::none,
                            ProbeError::timeout,
                            ProbeError::dns,
                            ProbeError::connection_refused,
                            ProbeError::connect,
                            ProbeError::tls,
                            ProbeError::reset,
                            ProbeError::protocol,
                            ProbeError::too_many_redirects,
                            ProbeError::response_too_large,
                            ProbeError::other,
                            ProbeError::oauth2};
  std::set<std::string> seen;
  for (ProbeError error : all) {
    const std::string label{to_label(error)};
    CHECK(label.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
    CHECK(seen.insert(label).second);
  }
}

TEST_CASE("running out of descriptors is named in the detail, other errnos add nothing") {
  CHECK_THAT(std::string{os_error_hint(EMFILE)}, Catch::Contains("out of file descriptors"));
  CHECK_THAT(std::string{os_error_hint(ENFILE)}, Catch::Contains("out of file descriptors"));
  CHECK(os_error_hint(ECONNREFUSED).empty());
  CHECK(os_error_hint(0).empty());
}
