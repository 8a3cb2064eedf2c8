// YAML values typed the way PyYAML's safe_load (YAML 1.1) typed them, since the seed tool was
// Python: payloads and expect_json values become JSON exactly as the seed tool would have sent
// them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "config/yaml_fields.hpp"

namespace epsitter::detail {

// Ordered: Python's json.dumps kept payload keys in config order, and a receiver may care.
using Json = nlohmann::ordered_json;

// Exactly PyYAML's spellings: "tRuE" or "y" stay text.
std::optional<bool> yaml11_bool(std::string_view text);

// The JSON value of a YAML tree (scalars are ${ENV}-expanded before they are typed). Bounded in
// depth and size, so that alias tricks cannot hang or crash the loader. Throws ConfigError.
Json yaml_to_json(const YAML::Node& node, const Where& where);

// The value of a map key as PyYAML typed it (`yes:` is the boolean true, `1:` the integer 1). Keys
// are not ${ENV}-expanded.
Json yaml_key_to_json(const Entry& entry, const Where& where);

// json.dump(), or a ConfigError at `mark` for text that is not valid UTF-8.
std::string dump_json(const Json& json, const YAML::Mark& mark, const Where& where);

}  // namespace epsitter::detail
