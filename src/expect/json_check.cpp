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
    case JsonOperator::in: {
      // The operand was sorted at load; == decides among the candidates the order finds.
      // Over the array itself: nlohmann's iterators are only bidirectional, and a search over
      // them would walk the list.
      const auto& choices = operand.get_ref<const nlohmann::json::array_t&>();
      const auto [first, last] =
          std::equal_range(choices.begin(), choices.end(), *value, JsonOrder{});
      if (std::find(first, last, *value) != last) return std::nullopt;
      return "is not one of the listed values";
    }
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

// Walks `wanted.segments` from `node` at segment `index`, stopping at the first failure. The
// concrete path ("items.2.state") is kept as a trail of references and spelt out only for a
// failure: per node visited the walk costs O(1), whatever the length of the path's keys.
class Walk {
 public:
  explicit Walk(const JsonExpectation& wanted) : wanted_(wanted) {
    for (std::size_t i = 0; i < wanted.segments.size(); ++i) {
      if (is_every(i)) last_every_ = i + 1;
    }
  }

  std::optional<std::string> from(const nlohmann::json& node, std::size_t index) {
    if (index == wanted_.segments.size()) return fails_at(&node, index);
    if (is_every(index)) {
      if (!node.is_array() && !node.is_object()) {
        return describe(
            node.is_null() ? "is null, not an array or object" : "is not an array or object",
            index);
      }
      std::size_t position = 0;
      for (auto it = node.begin(); it != node.end(); ++it, ++position) {
        trail_.push_back(node.is_array() ? Step{nullptr, position} : Step{&it.key(), 0});
        std::optional<std::string> failed = from(*it, index + 1);
        trail_.pop_back();
        if (failed) return failed;
      }
      return std::nullopt;
    }
    const std::string& segment = wanted_.segments[index];
    const nlohmann::json* child = json_child(node, segment);
    trail_.push_back(Step{&segment, 0});
    std::optional<std::string> failed;
    if (child != nullptr) {
      failed = from(*child, index + 1);
    } else if (last_every_ > index + 1) {
      // A * below needs an array or object to walk, whatever the operator: {exists: false}
      // under a * speaks of the elements, not of their container.
      failed = describe("is missing", index + 1);
    } else {
      // Nothing here, so nothing below either: the whole path leads nowhere.
      failed = fails_at(nullptr, wanted_.segments.size());
    }
    trail_.pop_back();
    return failed;
  }

 private:
  struct Step {
    const std::string* key;  // null: an array index
    std::size_t index;
  };

  bool is_every(std::size_t index) const {
    return index < wanted_.every.size() && wanted_.every[index];
  }

  // `index`: how far the path was followed; the segments from the trail's end up to it are spelt
  // as written (a path that leads nowhere is named whole).
  std::optional<std::string> fails_at(const nlohmann::json* value, std::size_t index) {
    std::optional<std::string> why = value_fails(wanted_, value);
    if (!why) return std::nullopt;
    return describe(*why, index);
  }

  std::string concrete(std::size_t index) const {
    std::string path;
    const auto add = [&path](const std::string& segment) {
      if (!path.empty()) path += '.';
      path += segment;
    };
    for (const Step& step : trail_)
      add(step.key != nullptr ? *step.key : std::to_string(step.index));
    for (std::size_t rest = trail_.size(); rest < index; ++rest) add(wanted_.segments[rest]);
    return path;
  }

  // "items.2.state does not match (items.*.state: matches)"; a plain value keeps the shorter
  // "checks.0.state is missing" it always had.
  std::string describe(const std::string& why, std::size_t index) const {
    const std::string path = concrete(index);
    const std::string where = path.empty() ? "the document" : path;
    if (wanted_.op == JsonOperator::equals && path == wanted_.path) return where + " " + why;
    return where + " " + why + " (" + wanted_.path + ": " + json_operator_name(wanted_.op) + ")";
  }

  const JsonExpectation& wanted_;
  std::size_t last_every_ = 0;  // one past the last `*` segment; 0: none
  std::vector<Step> trail_;     // one step per segment walked so far
};

}  // namespace

namespace {

int kind_rank(const nlohmann::json& value) {
  if (value.is_number()) return 0;
  if (value.is_string()) return 1;
  return 2 + static_cast<int>(value.type());
}

}  // namespace

bool JsonOrder::operator()(const nlohmann::json& a, const nlohmann::json& b) const {
  const int rank_a = kind_rank(a);
  const int rank_b = kind_rank(b);
  if (rank_a != rank_b) return rank_a < rank_b;
  if (rank_a == 0) return a.get<double>() < b.get<double>();
  if (rank_a == 1) return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
  return a < b;
}

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
