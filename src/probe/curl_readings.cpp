// What one probe's libcurl handle reports after a hop.
#include "probe/curl_readings.hpp"

#include <algorithm>

namespace epsitter {

curl_off_t microseconds_of(CURL* easy, CURLINFO info) {
  curl_off_t microseconds = 0;
  curl_easy_getinfo(easy, info, &microseconds);
  return microseconds;
}

// libcurl's timers are offsets from the start of each request, added up over redirects; their
// differences are the phases, and together they make up the total. Integer microseconds until the
// end, so that 113 us prints as 0.000113.
PhaseTimes read_phases(CURL* easy) {
  const curl_off_t dns = microseconds_of(easy, CURLINFO_NAMELOOKUP_TIME_T);
  const curl_off_t connect = microseconds_of(easy, CURLINFO_CONNECT_TIME_T);
  const curl_off_t tls = microseconds_of(easy, CURLINFO_APPCONNECT_TIME_T);
  const curl_off_t first_byte = microseconds_of(easy, CURLINFO_STARTTRANSFER_TIME_T);
  const curl_off_t total = microseconds_of(easy, CURLINFO_TOTAL_TIME_T);
  const auto seconds = [](curl_off_t from, curl_off_t to) {
    return to > from ? static_cast<double>(to - from) / 1e6 : 0.0;
  };
  PhaseTimes phases;
  phases.dns = seconds(0, dns);
  phases.connect = seconds(dns, connect);
  phases.tls = tls > 0 ? seconds(connect, tls) : 0;
  if (first_byte > 0) {
    phases.ttfb = seconds(std::max(connect, tls), first_byte);
    phases.transfer = seconds(first_byte, total);
  }
  return phases;
}

PhaseTimes& operator+=(PhaseTimes& sum, const PhaseTimes& hop) {
  sum.dns += hop.dns;
  sum.connect += hop.connect;
  sum.tls += hop.tls;
  sum.ttfb += hop.ttfb;
  sum.transfer += hop.transfer;
  return sum;
}

// Stopping at a body limit is our choice, not a failure of the target: the response arrived (and
// with body_too_large fails its check in the evaluator, with its status known).
bool got_response(CURLcode code, const Transfer& transfer) {
  const bool stopped_by_us = transfer.body_truncated || transfer.body_too_large;
  return code == CURLE_OK ||
         (code == CURLE_WRITE_ERROR && stopped_by_us && !transfer.headers_too_large);
}

}  // namespace epsitter
