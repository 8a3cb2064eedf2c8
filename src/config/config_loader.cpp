// Turns the YAML document into validated Targets: top-level keys, `defaults:` merged under each
// target's own fields, unknown keys rejected with a suggestion, and file:line:col errors.
#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include "config/config_document.hpp"
#include "config/discovery_policy.hpp"
#include "config/expansion_budget.hpp"
#include "config/file_text.hpp"
#include "config/input_limits.hpp"
#include "config/kubernetes_fields.hpp"
#include "config/metrics_fields.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_defaults.hpp"
#include "config/target_fields.hpp"
#include "config/target_schema.hpp"

namespace epsitter {
namespace {

using detail::Entry;
using detail::Field;
using detail::Fields;
using detail::LoadContext;
using detail::quote;
using detail::Where;

constexpr std::size_t kMaxBuckets = 64;

const detail::Words kTopLevelKeys{"urls",       "defaults", "profiles", "request_duration_buckets",
                                  "kubernetes", "metrics"};
// The schema's names, in its order (the seed's fields first: "expected one of" reads best so).
const detail::Words& target_field_names() {
  static const detail::Words kNames = [] {
    detail::Words names;
    for (const TargetField& field : target_schema()) names.push_back(field.name);
    return names;
  }();
  return kNames;
}

// Two spellings of one option: a target that sets either one overrides a default of the other.
bool overridden(const Fields& own, std::string_view name) {
  if (detail::find_field(own, name) != nullptr) return true;
  const TargetField* field = find_target_field(name);
  return field != nullptr && !field->alternative.empty() &&
         detail::find_field(own, field->alternative) != nullptr;
}

void reject_unknown_fields(const Fields& fields) {
  for (const Field& field : fields) {
    if (find_target_field(field.name()) != nullptr) continue;
    field.where.fail(field.entry.key.Mark(),
                     "unknown field " + quote(field.name()) +
                         detail::suggestion(field.name(), target_field_names()));
  }
}

// A block of per-target fields that targets start from (`defaults:`, a profile), checked on its
// own so that an error names its path. `not_here` are fields the block may not set.
Fields read_field_block(
    const YAML::Node& block, const Where& where,
    const std::vector<std::pair<std::string_view, std::string_view>>& not_here) {
  if (!block.IsMap()) {
    where.fail(block.Mark(), "expected a map of per-target fields (timeout, interval, ...), got " +
                                 detail::describe(block));
  }
  const Fields fields = detail::to_fields(detail::map_entries(block, where, "field"), where);
  reject_unknown_fields(fields);
  for (const auto& [name, why] : not_here) {
    if (const Field* field = detail::find_field(fields, name)) {
      field->where.fail(field->entry.key.Mark(), std::string{why});
    }
  }
  Target scratch;
  detail::read_target_fields(fields, /*complete=*/false, scratch);
  return fields;
}

Fields read_defaults(const Entry* defaults, const Where& root) {
  if (defaults == nullptr || detail::is_null_value(defaults->value)) return {};
  return read_field_block(defaults->value, root.at("defaults"),
                          {{"url", "url cannot have a default: every target names its own url"}});
}

// `profiles:` NAME -> per-target fields, for discovered targets (an annotation picks one by name).
std::map<std::string, YAML::Node> read_profiles(const Entry* profiles, const Where& root) {
  std::map<std::string, YAML::Node> read;
  if (profiles == nullptr || detail::is_null_value(profiles->value)) return read;
  const Where where = root.at("profiles");
  if (!profiles->value.IsMap()) {
    where.fail(profiles->value_mark(),
               "expected a map of profile names to per-target fields, got " +
                   detail::describe(profiles->value));
  }
  for (const Entry& entry : detail::map_entries(profiles->value, where, "profile name")) {
    const std::string& name = entry.name();
    const bool valid =
        !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
          return detail::is_ascii_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
                 c == '.';
        });
    if (!valid) {
      where.fail(entry.key.Mark(), quote(name) +
                                       " is not a profile name: expected lower-case letters, "
                                       "digits, '-', '_' and '.' (at most 63)");
    }
    read_field_block(entry.value, where.at(name),
                     {{"url", "a profile has no url: discovery makes it from the object"},
                      {"namespace",
                       "a profile has no namespace: a discovered target is in its "
                       "object's namespace"}});
    read.emplace(name, entry.value);
  }
  return read;
}

// What every target shares, besides the `kubernetes:` block.
struct SharedParts {
  std::vector<double> duration_buckets;
  Fields defaults;  // checked on their own; they point into the document and its context
  std::vector<ExpandedSize> default_sizes;        // of each of `defaults`, once expanded
  YAML::Node defaults_node;                       // the `defaults:` map, when there is one
  std::map<std::string, YAML::Node> profiles;     // checked, for discovered targets
  std::optional<DiscoveryRules> discovery_rules;  // set when discovering
};

// Each target that inherits a `defaults:` field gets its own copy of it (a payload becomes the
// target's own body): charged before the copies are made, so that defaults cannot multiply by the
// number of targets what the budget allows once.
void charge_inherited_defaults(const Fields& own, const SharedParts& shared, const Where& where,
                               const YAML::Mark& mark) {
  ExpansionBudget* budget = where.context->budget;
  if (budget == nullptr) return;
  for (std::size_t i = 0; i < shared.defaults.size(); ++i) {
    if (overridden(own, shared.defaults[i].name())) continue;
    try {
      budget->charge(shared.default_sizes[i]);
    } catch (const ExpansionExceeded& error) {
      const std::string& name = shared.defaults[i].name();
      where.fail(mark, std::string{error.what()} + "; it inherits defaults." + name +
                           ", which is copied into every target that does not set its own");
    }
  }
}

Target read_target(const Entry& entry, const Where& urls_where, const SharedParts& shared) {
  const std::string& name = entry.name();
  if (name.empty()) urls_where.fail(entry.key.Mark(), "a target name cannot be empty");
  const Where where = urls_where.at(name);
  if (!entry.value.IsMap()) {
    where.fail(entry.value_mark(), "expected a map of fields (url, namespace, ...), got " +
                                       detail::describe(entry.value));
  }
  Fields fields = detail::to_fields(detail::map_entries(entry.value, where, "field"), where);
  reject_unknown_fields(fields);
  if (detail::find_field(fields, "url") == nullptr) {
    where.at("url").fail(entry.value.Mark(), "missing required field \"url\"");
  }
  charge_inherited_defaults(fields, shared, where, entry.key.Mark());
  Target target;
  target.labels.name = name;
  detail::read_target_fields(detail::with_defaults(std::move(fields), shared.defaults),
                             /*complete=*/true, target);
  return target;
}

std::vector<double> read_buckets(const Entry* entry, const Where& root) {
  if (entry == nullptr) return kDefaultDurationBuckets;
  const Where where = root.at("request_duration_buckets");
  const YAML::Node& list = entry->value;
  if (!list.IsSequence() || list.size() == 0 || list.size() > kMaxBuckets) {
    where.fail(entry->value_mark(), "expected a list of 1 to 64 bucket bounds in seconds, got " +
                                        detail::describe(list));
  }
  std::vector<double> buckets;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = where.at_index(i);
    const std::string text = detail::scalar_text(list[i], list[i].Mark(), item, "seconds");
    const std::optional<double> bound = detail::parse_decimal(detail::trim(text));
    if (!bound || !std::isfinite(*bound) || *bound <= 0) {
      item.fail(list[i].Mark(), quote(text) + " is not a number of seconds greater than 0");
    }
    if (!buckets.empty() && *bound <= buckets.back()) {
      item.fail(list[i].Mark(), quote(text) +
                                    " is not greater than the bound before it: bounds "
                                    "must increase");
    }
    buckets.push_back(*bound);
  }
  return buckets;
}

std::vector<Entry> top_level_entries(const YAML::Node& document, const Where& root) {
  std::vector<Entry> entries = detail::map_entries(document, root, "key");
  for (const Entry& entry : entries) {
    if (detail::contains(kTopLevelKeys, entry.name())) continue;
    root.at(entry.name())
        .fail(entry.key.Mark(), "unknown top-level key " + quote(entry.name()) +
                                    detail::suggestion(entry.name(), kTopLevelKeys));
  }
  return entries;
}

// With a `kubernetes:` block the targets may all come from the cluster: `urls:` becomes optional
// (absent or empty: an undefined node, which has no entries).
YAML::Node find_targets(const std::vector<Entry>& entries, const YAML::Node& document,
                        const Where& root, bool discovering) {
  const Entry* urls = detail::find_entry(entries, "urls");
  const Where where = root.at("urls");
  if (urls == nullptr && discovering) return YAML::Node{};
  if (urls == nullptr) {
    where.fail(document.Mark(), "missing required key \"urls\" (the map of targets to probe)");
  }
  if (discovering && detail::is_null_value(urls->value)) return YAML::Node{};
  if (!urls->value.IsMap()) {
    where.fail(urls->value_mark(), "expected a map of target names to their settings, got " +
                                       detail::describe(urls->value));
  }
  return urls->value;
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string format_error(const std::string& file, int line, int column, const std::string& field,
                         std::string message) {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  text += ": ";
  if (!field.empty()) text += field + ": ";
  return text + std::move(message);
}

SharedParts read_shared_parts(const std::vector<Entry>& entries, const Where& root) {
  SharedParts parts;
  parts.duration_buckets =
      read_buckets(detail::find_entry(entries, "request_duration_buckets"), root);
  const Entry* defaults = detail::find_entry(entries, "defaults");
  parts.defaults = read_defaults(defaults, root);
  // Within the document the budget has measured, so each walk costs at most that much.
  const ExpansionLimits& limits = root.context->budget->limits();
  for (const Field& field : parts.defaults) {
    parts.default_sizes.push_back(
        expanded_size(field.entry.value, ExpandedSize{limits.max_bytes, limits.max_values}));
  }
  if (defaults != nullptr) parts.defaults_node = defaults->value;
  parts.profiles = read_profiles(detail::find_entry(entries, "profiles"), root);
  if (const Entry* kubernetes = detail::find_entry(entries, "kubernetes")) {
    parts.discovery_rules = detail::read_discovery_rules(*kubernetes, root);
  }
  return parts;
}

// What discovery's targets are made by: only when discovering.
std::shared_ptr<const DiscoveryPolicy> discovery_policy(const Config& config,
                                                        const SharedParts& parts,
                                                        const LoadContext& context) {
  if (!config.kubernetes || !parts.discovery_rules) return nullptr;
  std::unique_ptr<const TargetDefaults> defaults;
  if (!parts.defaults.empty()) {
    defaults = std::make_unique<const TargetDefaults>(parts.defaults_node, context);
  }
  std::map<std::string, std::unique_ptr<const TargetDefaults>> profiles;
  for (const auto& [name, block] : parts.profiles) {
    profiles.emplace(name,
                     std::make_unique<const TargetDefaults>(block, context, "profiles." + name));
  }
  return std::make_shared<const DiscoveryPolicy>(*parts.discovery_rules, std::move(defaults),
                                                 std::move(profiles));
}

}  // namespace

namespace detail {

Fields to_fields(const std::vector<Entry>& entries, const Where& parent) {
  Fields fields;
  for (const Entry& entry : entries) fields.push_back({entry, parent.at(entry.name())});
  return fields;
}

Fields with_defaults(Fields own, const Fields& defaults) {
  // Checking against the fields appended so far is the same as checking against the target's own:
  // `defaults:` holds no name twice and never both spellings of a secret (both are errors there).
  for (const Field& inherited : defaults) {
    if (!overridden(own, inherited.name())) own.push_back(inherited);
  }
  return own;
}

void read_target_fields(const Fields& fields, bool complete, Target& target) {
  read_request_fields(fields, complete, target);
  read_connection_fields(fields, complete, target);
  read_expectation_fields(fields, target);
  read_label_fields(fields, target);
}

}  // namespace detail

ConfigError::ConfigError(std::string file, int line, int column, std::string field,
                         std::string message)
    : std::runtime_error(format_error(file, line, column, field, std::move(message))),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)) {}

ExpansionBudget config_expansion_budget() {
  return ExpansionBudget{
      ExpansionLimits{kMaxConfigExpandedBytes, kMaxConfigExpandedValues, "the config"}};
}

std::string describe_expansion(const ExpandedSize& size) {
  return "expanded=" + detail::describe_bytes(size.bytes) +
         " values=" + std::to_string(size.values) + " (at most " +
         detail::format_bytes(kMaxConfigExpandedBytes) + " and " +
         std::to_string(kMaxConfigExpandedValues) + ")";
}

Config parse_config(const std::string& yaml_text, const std::string& file_name,
                    const EnvLookup& env) {
  ExpansionBudget budget = config_expansion_budget();
  return parse_config(yaml_text, file_name, env, budget);
}

Config parse_config(const std::string& yaml_text, const std::string& file_name,
                    const EnvLookup& env, ExpansionBudget& budget) {
  const LoadContext context{file_name, env, directory_of(file_name), &budget};
  const Where root{&context, ""};
  const YAML::Node document = load_config_document(yaml_text, root);
  const std::vector<Entry> entries = top_level_entries(document, root);
  Config config;
  if (const Entry* kubernetes = detail::find_entry(entries, "kubernetes")) {
    config.kubernetes = detail::read_kubernetes(*kubernetes, root);
  }
  const bool discovering = config.kubernetes.has_value();
  const YAML::Node urls = find_targets(entries, document, root, discovering);
  const SharedParts shared = read_shared_parts(entries, root);
  config.duration_buckets = shared.duration_buckets;
  if (const Entry* metrics = detail::find_entry(entries, "metrics")) {
    config.families = detail::read_metrics_block(*metrics, root);
  }
  const Where urls_where = root.at("urls");
  if (urls.IsDefined()) {
    const std::vector<Entry> targets = detail::map_entries(urls, urls_where, "target name");
    // Exactly: a doubling vector of 10,000 targets peaks at 22 MB instead of 9.
    config.targets.reserve(targets.size());
    for (const Entry& entry : targets) {
      config.targets.push_back(read_target(entry, urls_where, shared));
    }
  }
  if (config.targets.empty() && !discovering) {
    urls_where.fail(urls.Mark(), "has no targets: expected at least one");
  }
  config.discovery = discovery_policy(config, shared, context);
  return config;
}

std::string read_config_file(const std::string& path) {
  try {
    return detail::read_file_text(path, kMaxConfigFileBytes);
  } catch (const detail::FileReadError& error) {
    throw ConfigError(path, 0, 0, "", std::string{"cannot read file: "} + error.what());
  }
}

Config load_config_file(const std::string& path, const EnvLookup& env) {
  return parse_config(read_config_file(path), path, env);
}

Config load_config_file(const std::string& path, const EnvLookup& env, ExpansionBudget& budget) {
  return parse_config(read_config_file(path), path, env, budget);
}

}  // namespace epsitter
