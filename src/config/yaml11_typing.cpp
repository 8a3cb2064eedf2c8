// YAML values typed the way PyYAML's safe_load (YAML 1.1) typed them, since the seed tool was
// Python: payloads and expect_json values become JSON exactly as the seed tool would have sent
// them.
#include "config/yaml11_typing.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"

namespace epsitter::detail {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = 100'000;
// PyYAML's implicit typing only ever matches short scalars; longer ones need not be matched.
constexpr std::size_t kMaxTypedScalarLength = 128;

// PyYAML's resolver patterns for int and float, unchanged.
bool looks_like_yaml11_int(const std::string& text) {
  // RE2 matches in linear time without recursion, whatever the input.
  static const RE2 kInt{
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"};
  return text.size() <= kMaxTypedScalarLength && RE2::FullMatch(text, kInt);
}

bool looks_like_yaml11_float(const std::string& text) {
  static const RE2 kFloat{
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"};
  return text.size() <= kMaxTypedScalarLength && RE2::FullMatch(text, kFloat);
}

// Splits a leading sign off and drops '_' separators, as PyYAML's constructors do first.
bool take_sign_and_strip(std::string& text) {
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.erase(0, 1);
  return negative;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view digits, int base) {
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value, base);
  if (digits.empty() || error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

// 1:30 is 90: YAML 1.1's base-60 numbers.
std::optional<std::uint64_t> parse_sexagesimal(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(':', begin), text.size());
    const std::optional<std::uint64_t> digit = parse_unsigned(text.substr(begin, end - begin), 10);
    if (!digit || value > (std::numeric_limits<std::uint64_t>::max() - *digit) / 60) {
      return std::nullopt;
    }
    value = value * 60 + *digit;
    begin = end + 1;
  }
  return value;
}

std::optional<std::uint64_t> parse_yaml11_magnitude(const std::string& text) {
  if (text == "0") return 0;
  if (text.rfind("0b", 0) == 0) return parse_unsigned(std::string_view{text}.substr(2), 2);
  if (text.rfind("0x", 0) == 0) return parse_unsigned(std::string_view{text}.substr(2), 16);
  if (!text.empty() && text.front() == '0') {
    return parse_unsigned(std::string_view{text}.substr(1), 8);
  }
  if (text.find(':') != std::string::npos) return parse_sexagesimal(text);
  return parse_unsigned(text, 10);
}

// Python ints have no limit but JSON numbers here do: an integer beyond 64 bits is an error rather
// than a silently rounded value.
Json yaml11_int(std::string text, const YAML::Mark& mark, const Where& where) {
  const bool negative = take_sign_and_strip(text);
  const std::optional<std::uint64_t> magnitude = parse_yaml11_magnitude(text);
  constexpr auto kMaxSigned = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!magnitude || (negative && *magnitude > kMaxSigned + 1)) {
    where.fail(mark, "integer does not fit in 64 bits (value not shown)");
  }
  if (!negative) return Json(*magnitude);
  if (*magnitude == kMaxSigned + 1) return Json(std::numeric_limits<std::int64_t>::min());
  return Json(-static_cast<std::int64_t>(*magnitude));
}

std::optional<double> parse_yaml11_float_magnitude(const std::string& text) {
  if (text.find(':') == std::string::npos) return parse_decimal(text);
  double value = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(':', begin), text.size());
    const std::optional<double> digit = parse_decimal(text.substr(begin, end - begin));
    if (!digit) return std::nullopt;
    value = value * 60 + *digit;
    begin = end + 1;
  }
  return value;
}

// JSON has no NaN or infinity: json.dumps refused them in the seed tool too.
Json yaml11_float(const std::string& original, const YAML::Mark& mark, const Where& where) {
  std::string text = to_lower_ascii(original);
  const bool negative = take_sign_and_strip(text);
  const std::optional<double> magnitude = parse_yaml11_float_magnitude(text);
  if (!magnitude || !std::isfinite(*magnitude)) {
    where.fail(mark, "number is not finite: JSON has no .inf or .nan");
  }
  return Json(negative ? -*magnitude : *magnitude);
}

Json explicit_bool(const std::string& original, const YAML::Mark& mark, const Where& where) {
  const std::string text = to_lower_ascii(original);
  if (text == "true" || text == "yes" || text == "on") return Json(true);
  if (text == "false" || text == "no" || text == "off") return Json(false);
  where.fail(mark, "value tagged !!bool is not true/false/yes/no/on/off (value not shown)");
}

// An unquoted scalar's type comes from its text; quoted and block scalars (tag "!") stay text.
Json plain_scalar(const std::string& text, const YAML::Mark& mark, const Where& where) {
  if (const std::optional<bool> flag = yaml11_bool(text)) return Json(*flag);
  if (looks_like_yaml11_int(text)) return yaml11_int(text, mark, where);
  if (looks_like_yaml11_float(text)) return yaml11_float(text, mark, where);
  return Json(text);
}

// `text` is the scalar's text after any ${ENV} expansion (keys are not expanded).
Json scalar_to_json(const YAML::Node& node, const std::string& text, const Where& where) {
  const YAML::Mark mark = node.Mark();
  if (node.Tag() == "?") return plain_scalar(text, mark, where);
  if (node.Tag() == "!" || has_core_tag(node, "str")) return Json(text);
  if (has_core_tag(node, "null")) return Json(nullptr);
  if (has_core_tag(node, "bool")) return explicit_bool(text, mark, where);
  if (has_core_tag(node, "int")) return yaml11_int(text, mark, where);
  if (has_core_tag(node, "float")) return yaml11_float(text, mark, where);
  where.fail(mark, "unsupported tag " + quote(node.Tag()) +
                       "; only !!str, !!int, !!float, !!bool and !!null are understood");
}

// Walks a YAML tree with the limits that keep alias tricks from hanging or crashing the loader.
class JsonConverter {
 public:
  Json convert(const YAML::Node& node, const Where& where, int depth) {
    if (depth > kMaxDepth) {
      where.fail(node.Mark(), "nests too deeply (or an alias refers to itself)");
    }
    if (++values_ > kMaxValues) {
      where.fail(node.Mark(), "has too many values (alias expansion?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return scalar_to_json(node, expanded(node.Scalar(), where, node.Mark()), where);
      case YAML::NodeType::Sequence:
        return convert_sequence(node, where, depth);
      case YAML::NodeType::Map:
        return convert_map(node, where, depth);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return Json(nullptr);
  }

 private:
  Json convert_sequence(const YAML::Node& node, const Where& where, int depth) {
    Json array = Json::array();
    for (const YAML::Node& item : node) {
      array.push_back(convert(item, where.at_index(array.size()), depth + 1));
    }
    return array;
  }

  // JSON keys are text; json.dumps wrote a non-text key (1, true, null) as its JSON spelling.
  Json convert_map(const YAML::Node& node, const Where& where, int depth) {
    Json object = Json::object();
    for (const Entry& entry : map_entries(node, where, "key", depth)) {
      const Json key = yaml_key_to_json(entry, where);
      const std::string key_text = key.is_string() ? key.get<std::string>() : key.dump();
      object[key_text] = convert(entry.value, where.at(entry.name()), depth + 1);
    }
    return object;
  }

  std::size_t values_ = 0;
};

}  // namespace

std::optional<bool> yaml11_bool(std::string_view text) {
  static constexpr std::array<std::string_view, 9> kTrue{"yes",  "Yes", "YES", "true", "True",
                                                         "TRUE", "on",  "On",  "ON"};
  static constexpr std::array<std::string_view, 9> kFalse{"no",    "No",  "NO",  "false", "False",
                                                          "FALSE", "off", "Off", "OFF"};
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) return false;
  return std::nullopt;
}

Json yaml_to_json(const YAML::Node& node, const Where& where) {
  return JsonConverter{}.convert(node, where, 0);
}

Json yaml_key_to_json(const Entry& entry, const Where& where) {
  return scalar_to_json(entry.key, entry.key.Scalar(), where.at(entry.name()));
}

std::string dump_json(const Json& json, const YAML::Mark& mark, const Where& where) {
  try {
    return json.dump();
  } catch (const Json::type_error&) {
    where.fail(mark, "contains text that is not valid UTF-8");
  }
}

}  // namespace epsitter::detail
