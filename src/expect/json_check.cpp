// Holds one expect_json expectation (plain value or operator, `*` segments) against a document.
#include "expect/json_check.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "expect/json_path.hpp"

namespace epsitter {
namespace {

// Why `value` (null: nothing at the path) does not satisfy `wanted`, or nullopt when it does.
std::optional<std::string> value_fails(const JsonExpectation& wanted, const nlohmann::json* value) {
  const nlohmann::json& operand = *wanted.expected;
  if (wanted.op == JsonOperator::exists) {
    if ((value != nullptr) == operand.get<bool>()) return std::nullopt;
    return value != nullptr ? "exists" : "is missing";
  }
  if (value == nullptr) return "is missing";
  switch (wanted.op) {
    case JsonOperator::equals:
    case JsonOperator::eq:
    case JsonOperator::exists:
      // Parsed, not compared as text, so that 3 equals 3.0 and key order does not matter.
      if (*value == operand) return std::nullopt;
      return "differs from the expected value";
    case JsonOperator::gt:
    case JsonOperator::ge:
    case JsonOperator::lt:
    case JsonOperator::le: {
      // A number in a string ("3") is text, as it is for equality.
      if (!value->is_number()) return "is not a number";
      const double have = value->get<double>();
      const double limit = operand.get<double>();
      const bool holds = wanted.op == JsonOperator::gt   ? have > limit
                         : wanted.op == JsonOperator::ge ? have >= limit
                         : wanted.op == JsonOperator::lt ? have < limit
                                                         : have <= limit;
      if (holds) return std::nullopt;
      return "is out of range";
    }
    case JsonOperator::in:
      if (std::find(operand.begin(), operand.end(), *value) != operand.end()) return std::nullopt;
      return "is not one of the listed values";
    case JsonOperator::matches: {
      // Strings only, as blackbox_exporter's and Gatus' users expect: a number is not its text.
      if (!value->is_string()) return "is not a string";
      const std::string& text = value->get_ref<const std::string&>();
      if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *wanted.pattern->regex)) {
        return std::nullopt;
      }
      return "does not match";
    }
    case JsonOperator::length: {
      const std::optional<std::size_t> length = json_length(*value);
      if (!length) return "has no length (not an array, object or string)";
      if (*length == operand.get<std::size_t>()) return std::nullopt;
      return "has another length";
    }
  }
  return "cannot be checked";
}

// Walks `wanted.segments` from `node` at segment `index`, stopping at the first failure.
class Walk {
 public:
  explicit Walk(const JsonExpectation& wanted) : wanted_(wanted) {}

  std::optional<std::string> from(const nlohmann::json& node, std::size_t index) {
    if (index == wanted_.segments.size()) return fails_at(&node);
    const std::string& segment = wanted_.segments[index];
    const bool every = is_every(index);
    const std::size_t length = concrete_.size();
    if (every) {
      if (!node.is_array() && !node.is_object()) {
        return describe(node.is_null() ? "is null, not an array or object"
                                       : "is not an array or object");
      }
      std::size_t position = 0;
      for (auto it = node.begin(); it != node.end(); ++it, ++position) {
        append(node.is_array() ? std::to_string(position) : it.key());
        if (std::optional<std::string> failed = from(*it, index + 1)) return failed;
        concrete_.resize(length);
      }
      return std::nullopt;
    }
    append(segment);
    const nlohmann::json* child = json_child(node, segment);
    if (child == nullptr) {
      // A * below needs an array or object to walk, whatever the operator: {exists: false}
      // under a * speaks of the elements, not of their container.
      bool every_below = false;
      for (std::size_t rest = index + 1; rest < wanted_.segments.size(); ++rest) {
        every_below = every_below || is_every(rest);
      }
      if (every_below) {
        std::optional<std::string> failed = describe("is missing");
        concrete_.resize(length);
        return failed;
      }
      // Nothing here, so nothing below either: name the whole path that leads nowhere.
      for (std::size_t rest = index + 1; rest < wanted_.segments.size(); ++rest) {
        append(wanted_.segments[rest]);
      }
      std::optional<std::string> failed = fails_at(nullptr);
      concrete_.resize(length);
      return failed;
    }
    std::optional<std::string> failed = from(*child, index + 1);
    concrete_.resize(length);
    return failed;
  }

 private:
  bool is_every(std::size_t index) const {
    return index < wanted_.every.size() && wanted_.every[index];
  }

  void append(const std::string& segment) {
    if (!concrete_.empty()) concrete_ += '.';
    concrete_ += segment;
  }

  std::optional<std::string> fails_at(const nlohmann::json* value) {
    const std::optional<std::string> why = value_fails(wanted_, value);
    if (!why) return std::nullopt;
    return describe(*why);
  }

  // "items.2.state does not match (items.*.state: matches)"; a plain value keeps the shorter
  // "checks.0.state is missing" it always had.
  std::string describe(const std::string& why) const {
    const std::string where = concrete_.empty() ? "the document" : concrete_;
    if (wanted_.op == JsonOperator::equals && concrete_ == wanted_.path) return where + " " + why;
    return where + " " + why + " (" + wanted_.path + ": " + json_operator_name(wanted_.op) + ")";
  }

  const JsonExpectation& wanted_;
  std::string concrete_;  // the path walked so far, with indices and keys in place of `*`
};

}  // namespace

std::optional<std::size_t> json_length(const nlohmann::json& value) {
  if (value.is_array() || value.is_object()) return value.size();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  // A code point is every byte but the continuation bytes (10xxxxxx) of UTF-8.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::optional<std::string> check_json_expectation(const JsonExpectation& wanted,
                                                  const nlohmann::json& document) {
  return Walk(wanted).from(document, 0);
}

}  // namespace epsitter
