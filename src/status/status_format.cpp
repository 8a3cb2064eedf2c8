// Words and numbers as a person reads them on the status page: ages, latencies, failure reasons.
#include "status/status_format.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "expect/failure_reason.hpp"

namespace epsitter {

namespace {

// Words for a reason; the expectation reasons are completed with the status in describe_outcome.
std::string describe(FailureReason reason) {
  switch (reason) {
    case FailureReason::timeout:
      return "timeout";
    case FailureReason::dns:
      return "DNS lookup failed";
    case FailureReason::connection_refused:
      return "connection refused";
    case FailureReason::connect:
      return "cannot connect";
    case FailureReason::tls:
      return "TLS error";
    case FailureReason::reset:
      return "connection reset";
    case FailureReason::protocol:
      return "not valid HTTP";
    case FailureReason::too_many_redirects:
      return "too many redirects";
    case FailureReason::response_too_large:
      return "response too large";
    case FailureReason::other:
      return "request failed";
    case FailureReason::oauth2:
      return "no OAuth 2.0 token";
    case FailureReason::body_too_large:
      return "body too large";
    case FailureReason::status:
      return "unexpected status";
    case FailureReason::http_version:
      return "unexpected HTTP version";
    case FailureReason::tls_expectation:
      return "TLS expectation";
    case FailureReason::compression:
      return "unexpected encoding";
    case FailureReason::header:
      return "header mismatch";
    case FailureReason::body:
      return "body mismatch";
    case FailureReason::json:
      return "JSON mismatch";
    case FailureReason::slow:
      return "too slow";
    case FailureReason::cert_expiring:
      return "cert expiring";
  }
  return "request failed";
}

}  // namespace

std::string format_age(double seconds) {
  const long long s = seconds > 0 ? static_cast<long long>(seconds) : 0;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h {:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d {:02}h", s / 86400, s % 86400 / 3600);
}

std::string format_latency(double seconds) {
  const double ms = seconds * 1000;
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.2f} s", seconds);
}

std::string format_cert_days(double seconds_left) {
  if (seconds_left <= 0) return "expired";
  if (seconds_left < 86400) return "<1 d";
  return fmt::format("{} d", static_cast<long long>(seconds_left / 86400));
}

std::string format_ratio(double ratio) {
  // Rounding must not turn 1 failure in 1000 into "100%", nor 1 success into "0%".
  double percent = std::floor(ratio * 1000) / 10;
  if (ratio > 0 && percent == 0) percent = 0.1;
  if (ratio >= 1) return "100%";
  if (percent == std::floor(percent)) return fmt::format("{:.0f}%", percent);
  return fmt::format("{:.1f}%", percent);
}

std::string describe_outcome(const ProbeRecord& record) {
  if (record.status_code == 0) return describe(record.failure.value_or(FailureReason::other));
  if (!record.failure || *record.failure == FailureReason::status) {
    return fmt::format("HTTP {}", record.status_code);
  }
  return fmt::format("{} (HTTP {})", describe(*record.failure), record.status_code);
}

std::string format_utc(WallClock::time_point at) {
  const auto since_epoch = at.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
  if (millis < 0) {  // before 1970: keep the milliseconds positive
    secs -= std::chrono::seconds(1);
    millis += 1000;
  }
  const std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

double seconds_between(WallClock::time_point then, WallClock::time_point now) {
  return std::chrono::duration<double>(now - then).count();
}

}  // namespace epsitter
