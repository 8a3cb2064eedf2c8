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

std::string version_text(double version) {
  if (version == 1.0) return "1.0";
  if (version == 1.1) return "1.1";
  return std::to_string(static_cast<int>(version));
}

std::optional<Verdict> check_http_version(const Expectations& expect, const ProbeResult& result) {
  const auto& wanted = expect.http_versions;
  if (wanted.empty() ||
      std::find(wanted.begin(), wanted.end(), result.http_version) != wanted.end()) {
    return std::nullopt;
  }
  return fail(FailureReason::http_version, "HTTP version " + version_text(result.http_version) +
                                               " is not in expect_http_version");
}

std::optional<Verdict> check_tls(const Expectations& expect, const ProbeResult& result) {
  const bool over_tls = !result.tls_version.empty();
  if (!expect.tls || *expect.tls == over_tls) return std::nullopt;
  return fail(FailureReason::tls_expectation,
              over_tls ? "the response came over TLS (expect_tls: false)"
                       : "the response did not come over TLS (expect_tls: true)");
}

// "identity" asks for no coding: any other Content-Encoding fails; else the one asked for must be
// the response's.
std::optional<Verdict> check_compression(const Expectations& expect, const ProbeResult& result) {
  if (!expect.compression) return std::nullopt;
  const std::string coding = text::to_lower_ascii(text::trim(result.content_encoding));
  const bool identity = *expect.compression == "identity";
  if (identity ? (coding.empty() || coding == "identity") : coding == *expect.compression) {
    return std::nullopt;
  }
  // The coding is a short token, bounded with the headers: safe to name.
  return fail(FailureReason::compression,
              "Content-Encoding is " +
                  (coding.empty() ? std::string{"absent"} : "\"" + coding + "\"") + ", not " +
                  *expect.compression);
}

std::optional<Verdict> check_headers(const Expectations& expect, const ProbeResult& result) {
  for (const HeaderExpectation& unwanted : expect.headers_absent) {
    for (const auto& [name, value] : result.headers) {
      if (text::equals_ignoring_case(name, unwanted.name) &&
          RE2::PartialMatch(piece(value), *unwanted.pattern.regex)) {
        return fail(FailureReason::header,
                    "header " + unwanted.name + " matches its expect_headers_absent pattern");
      }
    }
  }
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
  for (const auto check :
       {check_body_size, check_status, check_http_version, check_tls, check_compression,
        check_headers, check_body, check_json, check_time, check_certificate}) {
    if (std::optional<Verdict> failed = check(expect, result)) return std::move(*failed);
  }
  return Verdict{};
}

}  // namespace epsitter
