// Where the running targets come from: the config file's and the discovered ones, merged and
// sharded (effective_targets) and handed to the supervisor's diff whenever either changes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "config/config_loader.hpp"
#include "discovery/discovery_stats.hpp"
#include "discovery/kube_object.hpp"
#include "discovery/object_targets.hpp"
#include "sharding/rendezvous.hpp"
#include "targets/target_set.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

// What sitter_discovery_targets and sitter_shard_targets show.
struct SourceCounts {
  std::map<std::string, std::size_t> by_source;  // after the merge, before sharding
  std::size_t shard_targets = 0;                 // what this replica probes
};

class TargetSources {
 public:
  // The supervisor's diff (the actor bridge): returns its summary, throws std::runtime_error.
  using ApplyTargets = std::function<std::string(TargetSet)>;
  using Publish = std::function<void(DiscoveredObjects)>;
  // Starts discovery for a `kubernetes:` block; it calls Publish with every annotated object
  // after any change, and stops when the returned handle is released.
  using StartDiscovery = std::function<std::shared_ptr<void>(const KubernetesConfig&, Publish)>;

  // `stats` and `log` must outlive this object.
  TargetSources(ApplyTargets apply, StartDiscovery start, Shard shard, DiscoveryStats& stats,
                spdlog::logger& log);
  ~TargetSources();
  TargetSources(const TargetSources&) = delete;
  TargetSources& operator=(const TargetSources&) = delete;

  // The reloader's Apply: the file's targets replace the previous file's; discovery starts, stops
  // or restarts when the `kubernetes:` block changed. Returns a one-line summary.
  std::string apply_config(Config config);

  // Membership mode (SHARD_MODE=lease): from now on this replica, named `self`, probes the share
  // of the targets that rendezvous hashing gives it among the live `members` (none: nothing), and
  // a target's first probe keeps its phase. Applied at once when a config has been applied; on
  // the membership thread whenever the members change.
  void use_members(const std::string& self, std::vector<std::string> members);

  // Stops discovery for good (before the supervisor stops, so that no late change reaches it).
  void stop_discovery();

  SourceCounts counts() const;

 private:
  using ObjectId = std::pair<ObjectKind, std::string>;
  struct Translation {
    std::shared_ptr<const nlohmann::json> object;
    std::shared_ptr<const DiscoveryPolicy> policy;  // held, so that its address is not reused
    std::vector<SharedTarget> targets;
  };

  void apply_discovered(DiscoveredObjects objects);
  std::string recompute_locked();
  std::vector<SharedTarget> discovered_targets_locked();

  const ApplyTargets apply_;
  const StartDiscovery start_;
  const Shard shard_;
  DiscoveryStats& stats_;
  spdlog::logger& log_;

  std::mutex lifecycle_mutex_;  // discovery_ start and stop
  std::shared_ptr<void> discovery_;
  std::optional<KubernetesConfig> running_kubernetes_;
  bool stopped_ = false;

  std::mutex apply_mutex_;  // one recompute-and-apply at a time; guards what follows
  Config config_;           // the file's, without its targets:
  std::vector<SharedTarget> file_targets_;  // those are here
  DiscoveredObjects objects_;
  Ownership ownership_;      // the static shard, or the live members
  bool configured_ = false;  // a config has been applied
  std::map<ObjectId, Translation> translations_;
  std::set<std::string> hidden_;

  mutable std::mutex counts_mutex_;
  SourceCounts counts_;
};

}  // namespace epsitter
