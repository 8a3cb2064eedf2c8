// What a target's response must look like to count as a success: the expect_* options, compiled.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace epsitter {

// An inclusive range of status codes: 200..200 for `200`, 200..299 for `"2xx"`.
struct StatusRange {
  int low;
  int high;

  friend bool operator==(const StatusRange& a, const StatusRange& b) {
    return a.low == b.low && a.high == b.high;
  }
};

// A regular expression compiled once (RE2: linear time, whatever the body) with its source text,
// which is what makes two patterns equal.
struct Pattern {
  std::string text;
  std::shared_ptr<const re2::RE2> regex;

  friend bool operator==(const Pattern& a, const Pattern& b) { return a.text == b.text; }
};

// Compiles `text`; throws std::invalid_argument with RE2's reason when it is not a valid pattern.
Pattern compile_pattern(const std::string& text);

struct HeaderExpectation {
  std::string name;  // matched ignoring case
  Pattern pattern;

  friend bool operator==(const HeaderExpectation& a, const HeaderExpectation& b) {
    return a.name == b.name && a.pattern == b.pattern;
  }
};

// How an expect_json value is held against the value at its path: a plain value is `equals`; the
// others are written as a one-key map ({gt: 3}, {matches: "^ok"}, ...).
enum class JsonOperator { equals, eq, exists, gt, ge, lt, le, in, matches, length };

// The operator's name as written in the config ("gt"); "equals" for a plain value.
const char* json_operator_name(JsonOperator op);

// What the operand of `op` must be, when `operand` is not that ("takes a number ..."); empty when
// it suits. The one place both the config loader (which names the position) and
// make_json_expectation check it. A `matches` pattern's syntax is compile_pattern's to judge.
std::string json_operand_problem(JsonOperator op, const nlohmann::json& operand);

struct JsonExpectation {
  std::string path;                   // as written, for messages: "checks.0.state", "items.*"
  std::vector<std::string> segments;  // "checks", "0", "state"
  std::vector<bool> every;            // per segment: whether it is a `*` (every element)
  JsonOperator op = JsonOperator::equals;
  // The operand, serialised: "\"ok\"", "3", "true", "[1,2]"; a pattern's text as a JSON string.
  std::string expected_json;
  // The same, parsed once at load rather than on every probe.
  std::shared_ptr<const nlohmann::json> expected;
  std::optional<Pattern> pattern;  // `matches` only, compiled at load

  friend bool operator==(const JsonExpectation& a, const JsonExpectation& b) {
    return a.path == b.path && a.op == b.op && a.expected_json == b.expected_json;
  }
};

// A JSON expectation with its value parsed, compared for equality, with no `*`. Throws
// std::invalid_argument when `expected_json` is not JSON (the config loader only ever passes what
// it serialised itself).
JsonExpectation make_json_expectation(std::string path, std::vector<std::string> segments,
                                      std::string expected_json);

// The same with an operator and `*` segments. Throws std::invalid_argument when the operand does
// not suit the operator (json_operand_problem, or a `matches` pattern RE2 does not compile).
JsonExpectation make_json_expectation(std::string path, std::vector<std::string> segments,
                                      std::vector<bool> every, JsonOperator op,
                                      std::string expected_json);

struct Expectations {
  std::vector<StatusRange> status{{200, 299}};    // any of them; default 2xx
  std::optional<Pattern> body;                    // must match somewhere in the body
  std::optional<Pattern> body_absent;             // must not match anywhere in the body
  std::vector<HeaderExpectation> headers;         // each header present, one of its values matching
  std::vector<HeaderExpectation> headers_absent;  // no value of the header may match
  std::vector<double> http_versions;  // the final response's HTTP version is one of them (1.1, 2)
  std::optional<bool> tls;            // the final response did (true) or did not come over TLS
  // A content coding asked for (Accept-Encoding) and required of the response's Content-Encoding:
  // "gzip", "br", "deflate", or "identity" (no coding at all).
  std::optional<std::string> compression;
  std::vector<JsonExpectation> json;  // each path present with that value
  std::optional<std::chrono::milliseconds> max_response_time;
  std::optional<double> min_cert_days;  // checked when the final response came over TLS

  // What the HTTP engine must keep of a response for these checks; nothing more is kept.
  bool needs_body() const { return body || body_absent || !json.empty(); }
  bool needs_headers() const { return !headers.empty() || !headers_absent.empty(); }

  friend bool operator==(const Expectations& a, const Expectations& b) {
    return a.status == b.status && a.body == b.body && a.body_absent == b.body_absent &&
           a.headers == b.headers && a.json == b.json &&
           a.max_response_time == b.max_response_time && a.min_cert_days == b.min_cert_days &&
           a.headers_absent == b.headers_absent && a.http_versions == b.http_versions &&
           a.tls == b.tls && a.compression == b.compression;
  }
};

}  // namespace epsitter
