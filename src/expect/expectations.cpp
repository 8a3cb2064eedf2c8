// What a target's response must look like to count as a success: the expect_* options, compiled.
#include "expect/expectations.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "expect/json_check.hpp"

namespace epsitter {

Pattern compile_pattern(const std::string& text) {
  RE2::Options options;
  options.set_log_errors(false);  // the config error reports it, once, with its position
  auto regex = std::make_shared<const RE2>(text, options);
  if (!regex->ok()) throw std::invalid_argument(regex->error());
  return Pattern{text, std::move(regex)};
}

const char* json_operator_name(JsonOperator op) {
  switch (op) {
    case JsonOperator::equals:
      return "equals";
    case JsonOperator::eq:
      return "eq";
    case JsonOperator::exists:
      return "exists";
    case JsonOperator::gt:
      return "gt";
    case JsonOperator::ge:
      return "ge";
    case JsonOperator::lt:
      return "lt";
    case JsonOperator::le:
      return "le";
    case JsonOperator::in:
      return "in";
    case JsonOperator::matches:
      return "matches";
    case JsonOperator::length:
      return "length";
  }
  return "?";
}

std::string json_operand_problem(JsonOperator op, const nlohmann::json& operand) {
  switch (op) {
    case JsonOperator::equals:
    case JsonOperator::eq:
      return {};
    case JsonOperator::exists:
      return operand.is_boolean() ? "" : "takes true or false";
    case JsonOperator::gt:
    case JsonOperator::ge:
    case JsonOperator::lt:
    case JsonOperator::le:
      return operand.is_number() && std::isfinite(operand.get<double>())
                 ? ""
                 : "takes a number (a quoted \"3\" is text)";
    case JsonOperator::in:
      return operand.is_array() && !operand.empty() ? "" : "takes a non-empty list";
    case JsonOperator::matches:
      return operand.is_string() ? "" : "takes a regular expression";
    case JsonOperator::length:
      return operand.is_number_integer() && operand.get<double>() >= 0
                 ? ""
                 : "takes a whole number of elements or characters, 0 or more";
  }
  return "is not an operator";
}

JsonExpectation make_json_expectation(std::string path, std::vector<std::string> segments,
                                      std::string expected_json) {
  return make_json_expectation(std::move(path), std::move(segments), {}, JsonOperator::equals,
                               std::move(expected_json));
}

JsonExpectation make_json_expectation(std::string path, std::vector<std::string> segments,
                                      std::vector<bool> every, JsonOperator op,
                                      std::string expected_json) {
  nlohmann::json parsed = nlohmann::json::parse(expected_json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw std::invalid_argument("the expected value is not JSON");
  // Sorted once, so that each value under a `*` is looked up in log time, not held against
  // each of up to 1000 values (a million elements times a thousand took seconds).
  if (op == JsonOperator::in && parsed.is_array()) {
    auto& choices = parsed.get_ref<nlohmann::json::array_t&>();
    std::sort(choices.begin(), choices.end(), JsonOrder{});
  }
  auto expected = std::make_shared<const nlohmann::json>(std::move(parsed));
  if (every.empty()) every.assign(segments.size(), false);  // a plain path: no `*`
  if (every.size() != segments.size()) {
    throw std::invalid_argument("one `every` flag per segment");
  }
  if (const std::string problem = json_operand_problem(op, *expected); !problem.empty()) {
    throw std::invalid_argument(std::string(json_operator_name(op)) + " " + problem);
  }
  std::optional<Pattern> pattern;
  if (op == JsonOperator::matches) pattern = compile_pattern(expected->get<std::string>());
  return JsonExpectation{std::move(path),          std::move(segments), std::move(every),  op,
                         std::move(expected_json), std::move(expected), std::move(pattern)};
}

}  // namespace epsitter
