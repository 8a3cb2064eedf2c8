// Reads the YAML config (the seed's `urls:` format, plus `defaults:` and the histogram buckets)
// into validated Targets, or a ConfigError that names the file, line, column, field and bad value.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/expansion_budget.hpp"
#include "config/kubernetes_config.hpp"
#include "config/settings.hpp"
#include "config/target.hpp"
#include "metrics/family_selection.hpp"

namespace epsitter {

// Upper bounds (seconds) of sitter_request_duration_seconds unless `request_duration_buckets:`
// sets others: 5 ms to 30 s.
inline const std::vector<double> kDefaultDurationBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,   1,    2.5,   5,    10,  30};

// What discovered targets may be, and the fields they start from (see discovery_policy.hpp).
class DiscoveryPolicy;

struct Config {
  std::vector<Target> targets;  // in file order; names are unique
  std::vector<double> duration_buckets = kDefaultDurationBuckets;  // strictly increasing
  std::optional<KubernetesConfig> kubernetes;        // set: discover targets from the cluster too
  std::shared_ptr<const DiscoveryPolicy> discovery;  // set when discovering
  FamilySelection families;  // `metrics:`: the per-target families /metrics renders
};

class ConfigError : public std::runtime_error {
 public:
  // `line` and `column` are 1-based; 0 when unknown (e.g. the file cannot be read).
  ConfigError(std::string file, int line, int column, std::string field, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }  // dotted path, e.g. urls.my_api.timeout

 private:
  std::string file_;
  int line_;
  int column_;
  std::string field_;
};

// What one load of a config may grow to (see input_limits.hpp): its text with every alias
// expanded, every ${VAR} replaced and every `defaults:` field copied into each target inheriting
// it.
ExpansionBudget config_expansion_budget();

// "expanded=1.2 MiB values=80003 (at most 16 MiB and 1000000)": how much of the budget a load used.
std::string describe_expansion(const ExpandedSize& size);

// Parses config text; `file_name` is named in error messages, and relative *_file paths are read
// from its directory. `env` resolves ${VAR} in values (empty: no variable is set). Secret files are
// read now, so parsing again re-reads them. Throws ConfigError, also when the config passes its
// expansion budget (before the YAML tree is built or the copy is made).
Config parse_config(const std::string& yaml_text, const std::string& file_name,
                    const EnvLookup& env = {});
// The same, charging `budget`, which then tells how big the config was once expanded.
Config parse_config(const std::string& yaml_text, const std::string& file_name,
                    const EnvLookup& env, ExpansionBudget& budget);

// The text of the config file at `path`. Throws ConfigError when it cannot be read.
std::string read_config_file(const std::string& path);

// Reads and parses the file at `path`. Throws ConfigError (also when the file cannot be read).
Config load_config_file(const std::string& path, const EnvLookup& env = {});
// The same, charging `budget`, which then tells how big the config was once expanded.
Config load_config_file(const std::string& path, const EnvLookup& env, ExpansionBudget& budget);

}  // namespace epsitter
