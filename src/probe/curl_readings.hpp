// What one probe's libcurl handle reports after a hop, as the transfer adds it up over redirects and
// the result reads it at the end.
#pragma once

#include <curl/curl.h>

#include "probe/probe_result.hpp"
#include "probe/transfer.hpp"

namespace epsitter {

// One of libcurl's *_TIME_T timers, in microseconds; 0 when it has none.
curl_off_t microseconds_of(CURL* easy, CURLINFO info);

// The phases of the handle's last hop (libcurl's timers are its offsets from the hop's start).
PhaseTimes read_phases(CURL* easy);

// Phases summed over the hops of a redirect chain.
PhaseTimes& operator+=(PhaseTimes& sum, const PhaseTimes& hop);

// Whether a response arrived: a transfer stopped by our own body limits did get one.
bool got_response(CURLcode code, const Transfer& transfer);

}  // namespace epsitter
