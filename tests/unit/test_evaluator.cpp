// Unit tests for the expectation evaluator: every check passing and failing with its reason.
#include <catch2/catch.hpp>

#include "expect/evaluator.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

namespace {

ProbeResult response(int status, std::string body = "", ResponseHeaders headers = {}) {
  ProbeResult result;
  result.status_code = status;
  result.body = std::move(body);
  result.headers = std::move(headers);
  result.duration_seconds = 0.2;
  result.finished_unix_seconds = 1'000'000;
  return result;
}

JsonExpectation json_expectation(const std::string& path, std::vector<std::string> segments,
                                 const std::string& expected) {
  return make_json_expectation(path, std::move(segments), expected);
}

std::optional<FailureReason> reason(const Expectations& expect, const ProbeResult& result) {
  return evaluate(expect, result).failure;
}

}  // namespace

TEST_CASE("a 2xx response with no other expectation succeeds", "[evaluator]") {
  const Expectations expect;
  CHECK(evaluate(expect, response(200)).success());
  CHECK(evaluate(expect, response(299)).success());
  CHECK(reason(expect, response(301)) == FailureReason::status);
  CHECK(reason(expect, response(503)) == FailureReason::status);
}

TEST_CASE("a body over max_body_size fails before any expectation is checked", "[evaluator]") {
  ProbeResult result = response(503, "partial");
  result.body_too_large = true;
  const Verdict verdict = evaluate(Expectations{}, result);
  CHECK(verdict.failure == FailureReason::body_too_large);
  CHECK(verdict.detail == "a body is longer than max_body_size; stopped reading (status 503)");
  CHECK(to_label(FailureReason::body_too_large) == "body_too_large");
  result.body_too_large = false;
  CHECK(reason(Expectations{}, result) == FailureReason::status);
}

TEST_CASE("a transport error fails with its own reason before any check", "[evaluator]") {
  ProbeResult result;
  result.error = ProbeError::connection_refused;
  result.error_detail = "refused";
  const Verdict verdict = evaluate(Expectations{}, result);
  CHECK(verdict.failure == FailureReason::connection_refused);
  CHECK(verdict.detail == "refused");
  result.error = ProbeError::too_many_redirects;
  CHECK(reason(Expectations{}, result) == FailureReason::too_many_redirects);
}

TEST_CASE("expect_status takes codes and classes", "[evaluator]") {
  Expectations expect;
  expect.status = {{200, 200}, {300, 399}, {404, 404}};
  CHECK(evaluate(expect, response(200)).success());
  CHECK(evaluate(expect, response(302)).success());
  CHECK(evaluate(expect, response(404)).success());
  CHECK(reason(expect, response(201)) == FailureReason::status);
  const Verdict verdict = evaluate(expect, response(500));
  CHECK(verdict.detail == "status 500 is not in expect_status");
}

TEST_CASE("expect_body and expect_body_absent search the body", "[evaluator]") {
  Expectations expect;
  expect.body = compile_pattern("\"status\":\\s*\"UP\"");
  CHECK(evaluate(expect, response(200, R"({"status": "UP"})")).success());
  CHECK(reason(expect, response(200, R"({"status": "DOWN"})")) == FailureReason::body);
  Expectations absent;
  absent.body_absent = compile_pattern("(?i)error");
  CHECK(evaluate(absent, response(200, "all fine")).success());
  const Verdict verdict = evaluate(absent, response(200, "an ERROR happened"));
  CHECK(verdict.failure == FailureReason::body);
  CHECK(verdict.detail.find("ERROR") == std::string::npos);  // never quotes the body
}

TEST_CASE("a status failure is reported before a body failure", "[evaluator]") {
  Expectations expect;
  expect.body = compile_pattern("ok");
  CHECK(reason(expect, response(500, "nope")) == FailureReason::status);
}

TEST_CASE("expect_headers needs the header present, any value matching, names in any case",
          "[evaluator]") {
  Expectations expect;
  expect.headers = {{"Content-Type", compile_pattern("^application/json")}};
  CHECK(evaluate(expect, response(200, "", {{"content-type", "application/json; charset=utf-8"}}))
            .success());
  CHECK(evaluate(expect, response(200, "",
                                  {{"X-A", "1"},
                                   {"CONTENT-TYPE", "text/plain"},
                                   {"Content-Type", "application/json"}}))
            .success());
  const Verdict mismatch = evaluate(expect, response(200, "", {{"Content-Type", "text/html"}}));
  CHECK(mismatch.failure == FailureReason::header);
  CHECK(mismatch.detail.find("text/html") == std::string::npos);  // never quotes a header value
  CHECK(reason(expect, response(200, "", {{"X-Other", "application/json"}})) ==
        FailureReason::header);
}

TEST_CASE("expect_json compares typed values at dotted paths", "[evaluator]") {
  Expectations expect;
  expect.json = {json_expectation("status", {"status"}, R"("UP")"),
                 json_expectation("checks.0.state", {"checks", "0", "state"}, R"("ok")"),
                 json_expectation("count", {"count"}, "3")};
  const std::string good = R"({"status": "UP", "checks": [{"state": "ok"}], "count": 3.0})";
  CHECK(evaluate(expect, response(200, good)).success());
  const Verdict wrong = evaluate(
      expect, response(200, R"({"status": "UP", "checks": [{"state": "bad"}], "count": 3})"));
  CHECK(wrong.failure == FailureReason::json);
  CHECK(wrong.detail == "checks.0.state differs from the expected value");
  const Verdict missing = evaluate(expect, response(200, R"({"status": "UP"})"));
  CHECK(missing.detail == "checks.0.state is missing");
  CHECK(reason(expect, response(200, "<html>")) == FailureReason::json);
  Expectations typed;
  typed.json = {json_expectation("n", {"n"}, "3")};
  CHECK(reason(typed, response(200, R"({"n": "3"})")) == FailureReason::json);  // "3" is not 3
}

TEST_CASE("max_response_time fails a slow but otherwise good response", "[evaluator]") {
  Expectations expect;
  expect.max_response_time = 100ms;
  ProbeResult result = response(200);
  result.duration_seconds = 0.1;
  CHECK(evaluate(expect, result).success());
  result.duration_seconds = 0.101;
  CHECK(reason(expect, result) == FailureReason::slow);
}

TEST_CASE("min_cert_days counts days left from the probe's end", "[evaluator]") {
  Expectations expect;
  expect.min_cert_days = 14;
  ProbeResult result = response(200);
  result.cert_not_after = static_cast<std::int64_t>(result.finished_unix_seconds) + 15 * 86'400;
  CHECK(evaluate(expect, result).success());
  result.cert_not_after = static_cast<std::int64_t>(result.finished_unix_seconds) + 3 * 86'400;
  CHECK(reason(expect, result) == FailureReason::cert_expiring);
  result.cert_not_after.reset();  // plain HTTP: nothing to check
  CHECK(evaluate(expect, result).success());
}

TEST_CASE("only the expectations that read the body or headers ask the engine to keep them",
          "[evaluator]") {
  Expectations expect;
  CHECK_FALSE(expect.needs_body());
  CHECK_FALSE(expect.needs_headers());
  expect.json = {json_expectation("a", {"a"}, "1")};
  CHECK(expect.needs_body());
  expect.headers = {{"X", compile_pattern("y")}};
  CHECK(expect.needs_headers());
}

TEST_CASE("an invalid regular expression is rejected with RE2's reason", "[evaluator]") {
  CHECK_THROWS_WITH(compile_pattern("(unclosed"), Catch::Contains("missing )"));
}

TEST_CASE("every failure reason has its own label", "[evaluator]") {
  std::vector<std::string_view> labels;
  for (const FailureReason reason : kAllFailureReasons) labels.push_back(to_label(reason));
  std::sort(labels.begin(), labels.end());
  CHECK(std::unique(labels.begin(), labels.end()) == labels.end());
  CHECK(to_label(FailureReason::cert_expiring) == "cert_expiring");
  CHECK(to_label(failure_reason_of(ProbeError::dns)) == to_label(ProbeError::dns));
}

TEST_CASE("an expected JSON value that is not JSON is refused when built, not when probing",
          "[expect]") {
  // Found by fuzz/fuzz_expectations: evaluate() used to parse the expected text on every probe.
  CHECK_THROWS_AS(make_json_expectation("status", {"status"}, "\"UP8"), std::invalid_argument);
  const JsonExpectation built = make_json_expectation("n", {"n"}, "3");
  REQUIRE(built.expected != nullptr);
  CHECK(built.expected_json == "3");
}

TEST_CASE("expect_headers_absent fails as header when a value of the header matches",
          "[evaluator]") {
  Expectations expect;
  expect.headers_absent = {{"x-powered-by", compile_pattern("(?i)php")}};
  CHECK(expect.needs_headers());
  CHECK(evaluate(expect, response(200)).success());  // an absent header cannot match
  CHECK(evaluate(expect, response(200, "", {{"X-Powered-By", "Express"}})).success());
  const Verdict verdict =
      evaluate(expect, response(200, "", {{"X-Powered-By", "Express"}, {"x-powered-BY", "PHP/8"}}));
  CHECK(verdict.failure == FailureReason::header);
  CHECK(verdict.detail == "header x-powered-by matches its expect_headers_absent pattern");
}

TEST_CASE("expect_http_version fails as http_version on any other version", "[evaluator]") {
  Expectations expect;
  expect.http_versions = {1.1, 2};
  ProbeResult result = response(200);
  result.http_version = 2;
  CHECK(evaluate(expect, result).success());
  result.http_version = 1.0;
  const Verdict verdict = evaluate(expect, result);
  CHECK(verdict.failure == FailureReason::http_version);
  CHECK(verdict.detail == "HTTP version 1.0 is not in expect_http_version");
  CHECK(to_label(FailureReason::http_version) == "http_version");
  result.status_code = 500;  // status is checked first
  CHECK(reason(expect, result) == FailureReason::status);
}

TEST_CASE("expect_tls fails as tls_expectation when TLS was (not) used", "[evaluator]") {
  Expectations expect;
  ProbeResult clear = response(200);
  ProbeResult secure = response(200);
  secure.tls_version = "TLSv1.3";
  expect.tls = true;
  CHECK(evaluate(expect, secure).success());
  CHECK(reason(expect, clear) == FailureReason::tls_expectation);
  expect.tls = false;
  CHECK(evaluate(expect, clear).success());
  CHECK(reason(expect, secure) == FailureReason::tls_expectation);
  CHECK(to_label(FailureReason::tls_expectation) == "tls_expectation");
}

TEST_CASE("compression fails when Content-Encoding is not the coding asked for", "[evaluator]") {
  Expectations expect;
  ProbeResult result = response(200, "decoded");
  CHECK(evaluate(expect, result).success());  // unset: any encoding
  expect.compression = "gzip";
  result.content_encoding = " GZip ";
  CHECK(evaluate(expect, result).success());
  result.content_encoding = "br";
  const Verdict verdict = evaluate(expect, result);
  CHECK(verdict.failure == FailureReason::compression);
  CHECK(verdict.detail == "Content-Encoding is \"br\", not gzip");
  result.content_encoding.clear();
  CHECK(evaluate(expect, result).detail == "Content-Encoding is absent, not gzip");
  expect.compression = "identity";
  CHECK(evaluate(expect, result).success());
  result.content_encoding = "identity";
  CHECK(evaluate(expect, result).success());
  result.content_encoding = "gzip";
  CHECK(reason(expect, result) == FailureReason::compression);
  CHECK(to_label(FailureReason::compression) == "compression");
}
