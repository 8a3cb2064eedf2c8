// Reading YAML maps the way the config needs them: positions for errors, PyYAML's merge keys, no
// repeated keys, and ${ENV} expansion of every value that is read as text.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace epsitter {
class ExpansionBudget;
}

namespace epsitter::detail {

// What every reader of one config file shares.
struct LoadContext {
  std::string file;      // named in every error
  EnvLookup env;         // for ${VAR} in values; empty means no variable is set
  std::string base_dir;  // relative *_file paths are read from here
  // What the load may still copy: the growth of each ${VAR} replaced is charged here. Null when
  // the fields outlive their load (discovery's copy of `defaults:`): each value is then bounded on
  // its own.
  ExpansionBudget* budget = nullptr;
};

// The file and the dotted path of the node at hand: what every error message names.
struct Where {
  const LoadContext* context;
  std::string field;

  Where at(const std::string& child) const {
    return {context, field.empty() ? child : field + "." + child};
  }
  Where at_index(std::size_t index) const {
    return {context, field + "[" + std::to_string(index) + "]"};
  }

  // Throws ConfigError at `mark` (yaml-cpp counts from 0 and uses -1 for "no position").
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;
};

// "a map", "a list", "a single value" or "nothing (null)": what was found instead.
std::string describe(const YAML::Node& node);

// One key/value pair of a YAML map.
struct Entry {
  YAML::Node key;
  YAML::Node value;

  const std::string& name() const { return key.Scalar(); }
  // An empty value has no position of its own (yaml-cpp marks the next token): point at its key.
  YAML::Mark value_mark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
};

// The entries of `map` in file order, after applying PyYAML's `<<` merge keys; a repeated key is an
// error. `noun` names a key in messages ("field", "header", ...).
std::vector<Entry> map_entries(const YAML::Node& map, const Where& where, std::string_view noun,
                               int depth = 0);

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view name);

// True for "tag:yaml.org,2002:<name>", the spelling yaml-cpp gives to !!<name>.
bool has_core_tag(const YAML::Node& node, std::string_view name);

bool is_null_value(const YAML::Node& node);

// `text` with ${VAR} replaced from the environment (see env_expansion.hpp), its growth charged to
// the context's budget; errors point at `mark`.
std::string expanded(const std::string& text, const Where& where, const YAML::Mark& mark);

// The expanded text of a value that must be a single value; `where` is the value's own path. The
// message never quotes the value: this is also how passwords and header values are read.
std::string scalar_text(const YAML::Node& value, const YAML::Mark& mark, const Where& where,
                        const std::string& expected);

// The same for the value of a map entry whose parent is `parent`.
std::string scalar_text(const Entry& entry, const Where& parent, const std::string& expected);

}  // namespace epsitter::detail
