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

// The value at `segments`, or nullptr when the path leads nowhere. A segment is an object key;
// in an array it is a zero-based index written in decimal digits.
const nlohmann::json* find_json_path(const nlohmann::json& document,
                                     const std::vector<std::string>& segments);

// Parses a response body as JSON, or nullopt when it is not valid JSON or nests deeper than
// `max_depth` (a hostile body cannot make parsing or destruction recurse without bound).
std::optional<nlohmann::json> parse_json_body(std::string_view body, int max_depth = 128);

}  // namespace epsitter
