// Reading YAML maps the way the config needs them: positions for errors, PyYAML's merge keys, no
// repeated keys, and ${ENV} expansion of every value that is read as text.
#include "config/yaml_fields.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "config/config_loader.hpp"
#include "config/env_expansion.hpp"
#include "config/expansion_budget.hpp"
#include "config/input_limits.hpp"
#include "config/number_parsing.hpp"

namespace epsitter::detail {
namespace {

// Bounds the walk over merge keys: yaml-cpp lets an alias refer to its own ancestor (`&a [*a]`).
constexpr int kMaxDepth = 64;
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// PyYAML treats a plain (unquoted) `<<` key as a merge; seed files may use it to share settings.
bool is_merge_key(const YAML::Node& key) {
  return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

// A map's entries in order with an index by key: a `urls:` map of 10,000 targets must not cost a
// linear search per key.
class OrderedEntries {
 public:
  // Adds or replaces by key, keeping the first position: how PyYAML builds a dict from merges.
  void put(const Entry& entry) {
    const auto [found, added] = index_.try_emplace(entry.name(), entries_.size());
    if (added) {
      entries_.push_back(entry);
    } else {
      entries_[found->second] = entry;
    }
  }
  // The entry already stored under `name`, if any.
  const Entry* find(const std::string& name) const {
    const auto found = index_.find(name);
    return found == index_.end() ? nullptr : &entries_[found->second];
  }
  std::vector<Entry> take() { return std::move(entries_); }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

void check_key(const YAML::Node& key, const Where& where, std::string_view noun) {
  if (key.IsScalar()) return;
  where.fail(key.Mark(), "a " + std::string{noun} + " must be a plain value, not " + describe(key));
}

// yaml-cpp 0.7 keeps both entries of a repeated key when iterating (and [] returns the first), so a
// repeated key would silently hide a target or a field: reject it.
void check_not_repeated(const OrderedEntries& earlier, const YAML::Node& key, const Where& where,
                        std::string_view noun) {
  const Entry* first = earlier.find(key.Scalar());
  if (first == nullptr) return;
  where.at(key.Scalar())
      .fail(key.Mark(), "duplicate " + std::string{noun} + " " + quote(key.Scalar()) +
                            ": first at line " + std::to_string(first->key.Mark().line + 1) +
                            ", again at line " + std::to_string(key.Mark().line + 1));
}

// PyYAML's merge order: the map's own keys beat merged ones, and in `<<: [*a, *b]` a beats b.
void merge_into(OrderedEntries& merged, const YAML::Node& source, const Where& where,
                std::string_view noun, int depth) {
  if (source.IsMap()) {
    for (const Entry& entry : map_entries(source, where, noun, depth + 1)) merged.put(entry);
    return;
  }
  if (!source.IsSequence()) {
    where.fail(source.Mark(),
               "a merge key (<<) takes a map or a list of maps, not " + describe(source));
  }
  std::vector<YAML::Node> sources(source.begin(), source.end());
  for (auto it = sources.rbegin(); it != sources.rend(); ++it) {
    if (!it->IsMap()) {
      where.fail(it->Mark(), "a merge key (<<) takes maps only, not " + describe(*it));
    }
    for (const Entry& entry : map_entries(*it, where, noun, depth + 1)) merged.put(entry);
  }
}

}  // namespace

void Where::fail(const YAML::Mark& mark, const std::string& message) const {
  const bool known = mark.line >= 0 && mark.column >= 0;
  throw ConfigError(context->file, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, field,
                    message);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing (null)";
}

std::vector<Entry> map_entries(const YAML::Node& map, const Where& where, std::string_view noun,
                               int depth) {
  if (depth > kMaxDepth) {
    where.fail(map.Mark(), "merge keys (<<) nest too deeply or refer to themselves");
  }
  OrderedEntries merged;
  OrderedEntries own;
  for (const auto& pair : map) {
    if (is_merge_key(pair.first)) {
      merge_into(merged, pair.second, where, noun, depth);
      continue;
    }
    check_key(pair.first, where, noun);
    check_not_repeated(own, pair.first, where, noun);
    own.put({pair.first, pair.second});
  }
  for (const Entry& entry : own.take()) merged.put(entry);
  return merged.take();
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view name) {
  const auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const Entry& entry) { return entry.name() == name; });
  return found == entries.end() ? nullptr : &*found;
}

bool has_core_tag(const YAML::Node& node, std::string_view name) {
  const std::string_view tag = node.Tag();
  return tag.size() == kCoreTagPrefix.size() + name.size() &&
         tag.substr(0, kCoreTagPrefix.size()) == kCoreTagPrefix &&
         tag.substr(kCoreTagPrefix.size()) == name;
}

bool is_null_value(const YAML::Node& node) {
  return node.IsNull() || (node.IsScalar() && has_core_tag(node, "null"));
}

std::string expanded(const std::string& text, const Where& where, const YAML::Mark& mark) {
  ExpansionBudget* budget = where.context->budget;
  // Each value is bounded before it is built, by what the budget has left or, without one, by
  // what a whole config may hold.
  const std::size_t room = budget != nullptr ? budget->bytes_left() : kMaxConfigExpandedBytes;
  try {
    std::string value = expand_env(text, where.context->env, text.size() + room);
    if (budget != nullptr && value.size() > text.size()) {
      budget->charge(ExpandedSize{value.size() - text.size(), 0});
    }
    return value;
  } catch (const EnvExpansionError& error) {
    where.fail(mark, error.what());
  } catch (const ExpansionExceeded& error) {
    where.fail(mark, error.what());
  }
}

std::string scalar_text(const YAML::Node& value, const YAML::Mark& mark, const Where& where,
                        const std::string& expected) {
  if (!value.IsScalar()) where.fail(mark, "expected " + expected + ", got " + describe(value));
  return expanded(value.Scalar(), where, mark);
}

std::string scalar_text(const Entry& entry, const Where& parent, const std::string& expected) {
  return scalar_text(entry.value, entry.value_mark(), parent.at(entry.name()), expected);
}

}  // namespace epsitter::detail
