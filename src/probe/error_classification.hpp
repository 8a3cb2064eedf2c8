// Maps libcurl's result codes onto the fixed ProbeError set.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "probe/probe_result.hpp"

namespace epsitter {

// `os_errno` is CURLINFO_OS_ERRNO of the transfer; it tells a refused port from an unreachable one.
ProbeError classify_curl_error(CURLcode code, long os_errno);

// What the transfer itself saw, which tells apart failures that libcurl reports with one code.
struct TransferObservations {
  bool headers_too_large = false;  // our own bounds on the header section stopped the transfer
  bool inside_headers = false;     // a status line arrived, the blank line ending its headers not
  bool peer_tls_alert = false;     // the peer ended the TLS session with a fatal alert
};

// As classify_curl_error, corrected by what the transfer saw: a header section over our bounds,
// or one libcurl refused to hold (a single line over its 100 KB limit ends as CURLE_OUT_OF_MEMORY
// while the headers are still being read), is `response_too_large`; a connection that ends right
// after the server sent a fatal TLS alert (a refused or missing client certificate shows only
// when reading, as a receive error, under TLS 1.3) is `tls`, not `reset`.
ProbeError classify_transfer_error(CURLcode code, long os_errno, const TransferObservations& seen);

// Words to add to a failure's detail when the cause is ours rather than the target's: out of file
// descriptors (EMFILE, ENFILE) reads in libcurl's text only as "Couldn't connect to server".
// Empty otherwise.
std::string_view os_error_hint(long os_errno);

}  // namespace epsitter
