// Fuzz target: the response expectation checks. The first three lines are a regular expression, a
// dotted JSON path and the expected JSON value; the rest is the response body, also read as
// "Name: value" header lines. evaluate() must return a verdict for anything a target may send.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "expect/evaluator.hpp"
#include "expect/expectations.hpp"
#include "expect/json_path.hpp"

namespace {

// The next line of `text` (without its newline), advancing `text` past it.
std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string pattern{next_line(input)};
  const std::string path{next_line(input)};
  const std::string expected{next_line(input)};
  const std::string_view body = input;

  epsitter::Expectations expect;
  expect.status = {{200, 299}};
  try {
    const epsitter::Pattern compiled = epsitter::compile_pattern(pattern);
    expect.body = compiled;
    expect.body_absent = compiled;
    expect.headers.push_back({"x-probe", compiled});
  } catch (const std::invalid_argument&) {
    // Not a valid RE2 pattern: the config loader refuses it, so no probe ever runs with it.
  }
  try {
    epsitter::JsonExpectation json;
    json.path = path;
    json.segments = epsitter::split_json_path(path);
    json.expected_json = expected;
    expect.json.push_back(std::move(json));
  } catch (const std::invalid_argument&) {
  }

  epsitter::ProbeResult result;
  result.status_code = 200;
  result.body = std::string{body};
  result.response_bytes = static_cast<std::int64_t>(body.size());
  std::string_view lines = body;
  while (!lines.empty()) {
    const std::string_view line = next_line(lines);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      result.headers.emplace_back(std::string{line.substr(0, colon)},
                                  std::string{line.substr(colon + 1)});
    }
  }

  const epsitter::Verdict verdict = epsitter::evaluate(expect, result);
  // A pattern that must match and must not match cannot both hold: a compiled pattern fails.
  if (expect.body && verdict.success()) __builtin_trap();
  // The JSON reader alone: any bytes parse or are refused, never throw.
  (void)epsitter::parse_json_body(body);
  return 0;
}
