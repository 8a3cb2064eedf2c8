// The result of one probe's transfer, read back from its libcurl handle and what the callbacks kept.
#include <chrono>
#include <string>

#include "probe/curl_readings.hpp"
#include "probe/error_classification.hpp"
#include "probe/transfer.hpp"

namespace epsitter {

namespace {

double http_version_of(CURL* easy) {
  long version = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return 1.0;
    case CURL_HTTP_VERSION_1_1:
      return 1.1;
    case CURL_HTTP_VERSION_2_0:
      return 2;
    case CURL_HTTP_VERSION_3:
      return 3;
    default:
      return 0;
  }
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ProbeResult read_result(CURL* easy, CURLcode code, Transfer& transfer) {
  ProbeResult result;
  result.finished_unix_seconds = unix_now();
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  const ServedChain* chain = transfer.served_chain.get();
  const TransferObservations seen{transfer.headers_too_large, transfer.inside_headers,
                                  chain != nullptr && chain->peer_sent_fatal_alert()};
  result.error = got_response(code, transfer) ? ProbeError::none
                                              : classify_transfer_error(code, os_errno, seen);
  if (result.error == ProbeError::none) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    result.status_code = static_cast<int>(status);
    result.http_version = http_version_of(easy);
    if (transfer.tls) {
      result.tls_version = transfer.tls->version;
      result.tls_cipher = transfer.tls->cipher;
      result.cert = transfer.tls->cert;
      if (result.cert) result.cert_not_after = result.cert->chain_not_after;
    }
    result.body_too_large = transfer.body_too_large;
    result.content_encoding = std::move(transfer.content_encoding);
    result.body = std::move(transfer.body);
    result.headers = std::move(transfer.headers);
  } else if (transfer.headers_too_large) {
    result.error_detail = "the response's headers exceed 256 lines or 64 KiB; stopped reading";
  } else if (result.error == ProbeError::response_too_large) {
    result.error_detail = "a response header line exceeds libcurl's 100 KB limit";
  } else {
    result.error_detail =
        transfer.error_buffer[0] != '\0' ? transfer.error_buffer : curl_easy_strerror(code);
    result.error_detail +=
        os_error_hint(transfer.socket_errno != 0 ? transfer.socket_errno : os_errno);
  }
  if (result.error != ProbeError::none && chain != nullptr && !chain->empty()) {
    // No response, but a handshake happened (perhaps it is what failed): the chain it verified
    // is still worth showing.
    result.cert = facts_of_chain(chain->view());
  }
  const curl_off_t total_us = microseconds_of(easy, CURLINFO_TOTAL_TIME_T);
  if (total_us > 0) {
    result.duration_seconds = static_cast<double>(transfer.earlier_hops_us + total_us) / 1e6;
  } else {  // libcurl leaves it at 0 for some early failures; our own clock still knows
    result.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - transfer.started).count();
  }
  result.phases = transfer.phases;
  result.phases += read_phases(easy);
  result.redirects = transfer.hops;
  result.uncompressed_bytes = transfer.body_bytes;
  result.response_bytes = transfer.body_bytes;
  if (transfer.request->accept_encoding) {
    // Our callback sees decoded bytes; libcurl counts the bytes it read off the connection before
    // decoding them (for a body stopped at body_limit: up to the end of the last piece read).
    curl_off_t wire = 0;
    if (curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &wire) == CURLE_OK) {
      result.response_bytes = static_cast<std::int64_t>(wire);
    }
  }
  result.body_truncated = transfer.body_truncated;
  result.started = transfer.started;
  return result;
}

ProbeResult failed_before_sending(const char* why) {
  ProbeResult result;
  result.error = ProbeError::other;
  result.error_detail = why;
  result.finished_unix_seconds = unix_now();
  return result;
}

}  // namespace epsitter
