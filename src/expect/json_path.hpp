// Reads a value out of a JSON document by a dotted path such as "checks.0.state".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

// Splits "a.b.0" into {"a", "b", "0"}; "\." is a dot inside a key and "\\" a backslash. Throws
// std::invalid_argument for an empty path or segment ("a..b") or a dangling backslash.
std::vector<std::string> split_json_path(std::string_view path);

// A path of expect_json: its segments, and which of them are an unescaped `*` standing for every
// element of an array or every value of an object (`\*` is a key named "*"). Throws
// std::invalid_argument as split_json_path does, and for a `*` that is only part of a segment
// ("item*"), which looks like a glob but would silently be a literal key.
struct JsonPathPattern {
  std::vector<std::string> segments;
  std::vector<bool> every;  // one per segment
};
JsonPathPattern parse_json_path_pattern(std::string_view path);

// The member `segment` of an object, or its element at that index in an array; nullptr when there
// is none (or `node` is neither).
const nlohmann::json* json_child(const nlohmann::json& node, const std::string& segment);

// The value at `segments`, or nullptr when the path leads nowhere. A segment is an object key;
// in an array it is a zero-based index written in decimal digits.
const nlohmann::json* find_json_path(const nlohmann::json& document,
                                     const std::vector<std::string>& segments);

// Parses a response body as JSON, or nullopt when it is not valid JSON or nests deeper than
// `max_depth` (a hostile body cannot make parsing or destruction recurse without bound).
std::optional<nlohmann::json> parse_json_body(std::string_view body, int max_depth = 128);

}  // namespace epsitter
