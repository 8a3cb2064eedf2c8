// Decides whether one probe succeeded: a response arrived and every expectation held.
#include "expect/evaluator.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "expect/json_check.hpp"
#include "expect/json_path.hpp"
#include "text/ascii.hpp"

namespace epsitter {
namespace {

constexpr double kSecondsPerDay = 86'400;

Verdict fail(FailureReason reason, std::string detail) {
  return Verdict{reason, std::move(detail)};
}

re2::StringPiece piece(const std::string& text) {
  return re2::StringPiece(text.data(), text.size());
}

// First of the checks of a response: the others would judge a body that was not read whole.
std::optional<Verdict> check_body_size(const Expectations& /*expect*/, const ProbeResult& result) {
  if (!result.body_too_large) return std::nullopt;
  return fail(FailureReason::body_too_large,
              "a body is longer than max_body_size; stopped reading (status " +
                  std::to_string(result.status_code) + ")");
}

std::optional<Verdict> check_status(const Expectations& expect, const ProbeResult& result) {
  const int code = result.status_code;
  const bool allowed =
      std::any_of(expect.status.begin(), expect.status.end(),
                  [code](const StatusRange& r) { return code >= r.low && code <= r.high; });
  if (allowed) return std::nullopt;
  return fail(FailureReason::status, "status " + std::to_string(code) + " is not in expect_status");
}

std::optional<Verdict> check_headers(const Expectations& expect, const ProbeResult& result) {
  for (const HeaderExpectation& wanted : expect.headers) {
    bool present = false;
    bool matched = false;
    for (const auto& [name, value] : result.headers) {
      if (!text::equals_ignoring_case(name, wanted.name)) continue;
      present = true;
      matched = matched || RE2::PartialMatch(piece(value), *wanted.pattern.regex);
    }
    if (!present) return fail(FailureReason::header, "header " + wanted.name + " is missing");
    if (!matched) {
      return fail(FailureReason::header, "header " + wanted.name + " does not match its pattern");
    }
  }
  return std::nullopt;
}

std::optional<Verdict> check_body(const Expectations& expect, const ProbeResult& result) {
  if (expect.body && !RE2::PartialMatch(piece(result.body), *expect.body->regex)) {
    return fail(FailureReason::body, result.body_truncated
                                         ? "expect_body did not match the first body_limit bytes"
                                         : "expect_body did not match the body");
  }
  if (expect.body_absent && RE2::PartialMatch(piece(result.body), *expect.body_absent->regex)) {
    return fail(FailureReason::body, "expect_body_absent matched the body");
  }
  return std::nullopt;
}

std::optional<Verdict> check_json(const Expectations& expect, const ProbeResult& result) {
  if (expect.json.empty()) return std::nullopt;
  const std::optional<nlohmann::json> document = parse_json_body(result.body);
  if (!document) {
    return fail(FailureReason::json, result.body_truncated
                                         ? "the body was cut at body_limit and is not valid JSON"
                                         : "the body is not valid JSON");
  }
  for (const JsonExpectation& wanted : expect.json) {
    if (std::optional<std::string> why = check_json_expectation(wanted, *document)) {
      return fail(FailureReason::json, std::move(*why));
    }
  }
  return std::nullopt;
}

std::optional<Verdict> check_time(const Expectations& expect, const ProbeResult& result) {
  if (!expect.max_response_time) return std::nullopt;
  const double limit = static_cast<double>(expect.max_response_time->count()) / 1000.0;
  if (result.duration_seconds <= limit) return std::nullopt;
  return fail(FailureReason::slow, "took longer than max_response_time");
}

std::optional<Verdict> check_certificate(const Expectations& expect, const ProbeResult& result) {
  if (!expect.min_cert_days || !result.cert_not_after) return std::nullopt;
  const double days_left =
      (static_cast<double>(*result.cert_not_after) - result.finished_unix_seconds) / kSecondsPerDay;
  if (days_left >= *expect.min_cert_days) return std::nullopt;
  return fail(FailureReason::cert_expiring,
              "the certificate chain expires in less than min_cert_days");
}

}  // namespace

Verdict evaluate(const Expectations& expect, const ProbeResult& result) {
  if (result.error != ProbeError::none) {
    return fail(failure_reason_of(result.error), result.error_detail);
  }
  for (const auto check : {check_body_size, check_status, check_headers, check_body, check_json,
                           check_time, check_certificate}) {
    if (std::optional<Verdict> failed = check(expect, result)) return std::move(*failed);
  }
  return Verdict{};
}

}  // namespace epsitter
