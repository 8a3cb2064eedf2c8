// One probe's transfer: the libcurl options of each hop, the callbacks that bound what a response
// may hold, the redirect chain followed hop by hop, and the result read back from libcurl. The
// engine (http_engine.cpp) owns the transfers and drives them; this knows one at a time.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "probe/curl_handles.hpp"
#include "probe/http_engine.hpp"
#include "probe/probe_request.hpp"
#include "probe/probe_result.hpp"
#include "probe/redirects.hpp"
#include "probe/served_chain.hpp"
#include "probe/tls_inspection.hpp"

namespace epsitter {

// One transfer in flight: one probe, hop after hop of its redirects. Owned by the engine thread.
struct Transfer {
  CurlEasy easy;
  CurlSlist header_list;
  CurlSlist connect_to;
  HttpEngine::Completion on_done;
  std::shared_ptr<const ProbeRequest> request;
  std::chrono::steady_clock::time_point started;
  std::uint64_t serial = 0;  // start order, for YoungTransfers
  std::int64_t body_limit = 0;
  std::optional<std::int64_t> max_body_size;  // at most body_limit (checked at load)
  bool keep_body = false;
  bool keep_headers = false;

  // The redirect chain: hops are followed here, not by libcurl, so that each hop can decide what
  // goes with it (libcurl would send custom headers, secret ones included, to any host).
  std::optional<Origin> first_origin;  // credentials and secret headers go only there (set at
                                       // the first redirect)
  std::string method;                  // of the hop in flight
  bool sends_body = false;             // the hop in flight carries the request's body
  long hops = 0;                       // redirects followed
  PhaseTimes phases;                   // of the hops before the one in flight, summed
  curl_off_t earlier_hops_us = 0;

  // The response being read.
  std::int64_t body_bytes = 0;
  bool body_truncated = false;
  bool body_too_large = false;  // longer than max_body_size: fails the probe
  std::string body;
  ResponseHeaders headers;
  std::string content_encoding;  // kept whether or not the headers are
  std::size_t header_lines = 0;
  std::int64_t header_bytes = 0;
  bool headers_too_large = false;
  bool inside_headers = false;     // a status line came, the blank line after its headers not yet
  std::optional<TlsSnapshot> tls;  // of the response whose headers arrived last
  // What the TLS handshakes of the transfer's connections saw, kept for when one fails.
  std::shared_ptr<ServedChain> served_chain;
  int socket_errno = 0;            // why socket() failed, when it did
  char error_buffer[CURL_ERROR_SIZE] = {};

  void start_response() {
    body_bytes = 0;
    body_truncated = false;
    body_too_large = false;
    body.clear();
    headers.clear();
    content_encoding.clear();
    header_lines = 0;
    header_bytes = 0;
    inside_headers = false;
  }
};

// Sets every option of the transfer's first hop. Returns false when libcurl refuses one (the probe
// then fails as `other` without being sent).
bool configure(CURL* easy, const ProbeRequest& request, Transfer& transfer);

// After a hop finished with `code` (the easy handle out of the multi handle): when its response
// redirects, sets the transfer up for the next hop and returns nullopt (add the handle again);
// otherwise returns the code the transfer ends with.
std::optional<CURLcode> prepare_next_hop(CURL* easy, CURLcode code, Transfer& transfer);

// The probe's result once the transfer ended with `code`.
ProbeResult read_result(CURL* easy, CURLcode code, Transfer& transfer);

// The result of a probe that could not be sent at all.
ProbeResult failed_before_sending(const char* why);

}  // namespace epsitter
