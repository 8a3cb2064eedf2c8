// Unit tests for how ages, latencies, ratios, outcomes and times read on the status page.
#include <catch2/catch.hpp>

#include "status/status_format.hpp"

using namespace epsitter;

TEST_CASE("ages read in at most two units") {
  CHECK(format_age(-3) == "0s");
  CHECK(format_age(0.9) == "0s");
  CHECK(format_age(42) == "42s");
  CHECK(format_age(60) == "1m 00s");
  CHECK(format_age(312) == "5m 12s");
  CHECK(format_age(3600 * 3 + 5 * 60 + 59) == "3h 05m");
  CHECK(format_age(86400 * 2 + 3600 * 3) == "2d 03h");
}

TEST_CASE("latencies read in ms below a second, in seconds above") {
  CHECK(format_latency(0.00042) == "0.4 ms");
  CHECK(format_latency(0.0123) == "12 ms");
  CHECK(format_latency(0.999) == "999 ms");
  CHECK(format_latency(1.25) == "1.25 s");
}

TEST_CASE("a success ratio never rounds up to 100% nor down to 0%") {
  CHECK(format_ratio(1.0) == "100%");
  CHECK(format_ratio(0.0) == "0%");
  CHECK(format_ratio(0.5) == "50%");
  CHECK(format_ratio(119.0 / 120) == "99.1%");
  CHECK(format_ratio(0.9999) == "99.9%");
  CHECK(format_ratio(0.0001) == "0.1%");
}

TEST_CASE("the outcome names the HTTP status, the failed check or why no response came") {
  ProbeRecord record;
  record.status_code = 200;
  CHECK(describe_outcome(record) == "HTTP 200");
  record.status_code = 503;
  record.failure = FailureReason::status;
  CHECK(describe_outcome(record) == "HTTP 503");
  record.status_code = 200;
  record.failure = FailureReason::json;
  CHECK(describe_outcome(record) == "JSON mismatch (HTTP 200)");
  record.failure = FailureReason::cert_expiring;
  CHECK(describe_outcome(record) == "cert expiring (HTTP 200)");
  record.status_code = 0;
  record.failure = FailureReason::connection_refused;
  CHECK(describe_outcome(record) == "connection refused");
  record.failure = FailureReason::timeout;
  CHECK(describe_outcome(record) == "timeout");
  record.failure = FailureReason::dns;
  CHECK(describe_outcome(record) == "DNS lookup failed");
}

TEST_CASE("certificate days are whole days left, then <1 d, then expired") {
  CHECK(format_cert_days(83.9 * 86400) == "83 d");
  CHECK(format_cert_days(86400) == "1 d");
  CHECK(format_cert_days(3600) == "<1 d");
  CHECK(format_cert_days(0) == "expired");
  CHECK(format_cert_days(-86400) == "expired");
}

TEST_CASE("times are RFC 3339 in UTC with milliseconds") {
  using namespace std::chrono;
  const WallClock::time_point at{seconds(1'764'050'333) + milliseconds(945)};
  CHECK(format_utc(at) == "2025-11-25T05:58:53.945Z");
  CHECK(format_utc(WallClock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(seconds_between(at, at + milliseconds(1500)) == Approx(1.5));
}
