// Words and numbers as a person reads them on the status page: ages, latencies, failure reasons.
#pragma once

#include <optional>
#include <string>

#include "metrics/probe_history.hpp"

namespace epsitter {

// "42s", "5m 12s", "3h 05m", "2d 03h": two units at most; negative spans read as "0s".
std::string format_age(double seconds);

// "0.4 ms", "12 ms", "1.25 s".
std::string format_latency(double seconds);

// "99.2%"; 100% only when every probe succeeded, 0% only when none did.
std::string format_ratio(double ratio);

// What the last probe got: "HTTP 200", "HTTP 503", "connection refused", "timeout",
// "body mismatch (HTTP 200)", ...
std::string describe_outcome(const ProbeRecord& record);

// Days a certificate has left: "83 d", "<1 d", or "expired".
std::string format_cert_days(double seconds_left);

// "2026-11-25T05:58:53.945Z": RFC 3339, UTC, milliseconds.
std::string format_utc(WallClock::time_point at);

// Seconds from `then` to `now` (negative if `then` is later).
double seconds_between(WallClock::time_point then, WallClock::time_point now);

}  // namespace epsitter
