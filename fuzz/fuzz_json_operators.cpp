// Fuzz target: expect_json as a hostile annotation may write it, then held against any body. The
// input up to its first NUL byte is the annotation's YAML (operators, `*` paths, anything); the
// rest is the response body. Loading must answer with a target or a ConfigError, and evaluating
// with a verdict that agrees with each expectation checked on its own.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "config/option_target.hpp"
#include "expect/evaluator.hpp"
#include "expect/json_check.hpp"
#include "expect/json_path.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\0');
  const std::string yaml{input.substr(0, split)};
  const std::string_view body =
      split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);

  epsitter::Target target;
  try {
    target = epsitter::target_from_options("fuzz/t", "fuzz", "http://127.0.0.1/",
                                           {{"expect_json", "epsitter.io/expect-json", yaml}}, {},
                                           "Service fuzz/t");
  } catch (const epsitter::ConfigError&) {
    return 0;  // refused at load: no probe ever runs with it
  }
  const epsitter::Expectations& expect = target.extras->expect;
  for (const epsitter::JsonExpectation& wanted : expect.json) {
    if (wanted.every.size() != wanted.segments.size()) __builtin_trap();
    if ((wanted.op == epsitter::JsonOperator::matches) != wanted.pattern.has_value()) {
      __builtin_trap();
    }
  }

  epsitter::ProbeResult result;
  result.status_code = 200;
  result.body = std::string{body};
  result.response_bytes = static_cast<std::int64_t>(body.size());
  const epsitter::Verdict verdict = epsitter::evaluate(expect, result);

  // The verdict is the conjunction of the expectations, each checked alone (status 200 passes).
  bool all_hold = true;
  if (!expect.json.empty()) {
    const std::optional<nlohmann::json> document = epsitter::parse_json_body(body);
    all_hold = document.has_value();
    for (const epsitter::JsonExpectation& wanted : expect.json) {
      all_hold = all_hold && !epsitter::check_json_expectation(wanted, *document);
    }
  }
  if (all_hold != verdict.success()) __builtin_trap();
  return 0;
}
