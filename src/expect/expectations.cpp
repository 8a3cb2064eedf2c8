// What a target's response must look like to count as a success: the expect_* options, compiled.
#include "expect/expectations.hpp"

#include <re2/re2.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace epsitter {

Pattern compile_pattern(const std::string& text) {
  RE2::Options options;
  options.set_log_errors(false);  // the config error reports it, once, with its position
  auto regex = std::make_shared<const RE2>(text, options);
  if (!regex->ok()) throw std::invalid_argument(regex->error());
  return Pattern{text, std::move(regex)};
}

JsonExpectation make_json_expectation(std::string path, std::vector<std::string> segments,
                                      std::string expected_json) {
  auto expected = std::make_shared<const nlohmann::json>(
      nlohmann::json::parse(expected_json, nullptr, /*allow_exceptions=*/false));
  if (expected->is_discarded()) throw std::invalid_argument("the expected value is not JSON");
  return JsonExpectation{std::move(path), std::move(segments), std::move(expected_json),
                         std::move(expected)};
}

}  // namespace epsitter
