// Where the running targets come from: the config file's and the discovered ones, merged and
// sharded (effective_targets) and handed to the supervisor's diff whenever either changes.
#include "reload/target_sources.hpp"

#include <spdlog/logger.h>

#include <functional>
#include <future>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "config/number_parsing.hpp"
#include "log/logfmt.hpp"
#include "targets/effective_targets.hpp"

namespace epsitter {

TargetSources::TargetSources(ApplyTargets apply, StartDiscovery start, Shard shard,
                             DiscoveryStats& stats, spdlog::logger& log)
    : apply_(std::move(apply)), start_(std::move(start)), shard_(shard), stats_(stats), log_(log) {
  ownership_.shard = shard;
}

void TargetSources::use_members(const std::string& self, std::vector<std::string> members) {
  const std::lock_guard<std::mutex> lock{apply_mutex_};
  ownership_.by_members = true;
  ownership_.self = self;
  ownership_.members = std::move(members);
  if (!configured_) return;  // the first config applies it
  try {
    const std::string summary = recompute_locked();
    log_.info("msg=\"shard members applied\" {}", summary);
  } catch (const std::runtime_error& error) {
    log_.error("msg=\"shard members not applied\" error={}", logged(error.what()));
  }
}

TargetSources::~TargetSources() {
  stop_discovery();
}

void TargetSources::stop_discovery() {
  const std::lock_guard<std::mutex> lock{lifecycle_mutex_};
  stopped_ = true;
  discovery_.reset();
}

namespace {

using TargetsByName = std::unordered_map<std::string_view, const SharedTarget*>;

// The previous object of each target the new file leaves unchanged, a new copy of each other one.
std::vector<SharedTarget> reuse_or_copy(const std::vector<Target>& parsed,
                                        const TargetsByName& previous) {
  std::vector<SharedTarget> shared;
  shared.reserve(parsed.size());
  for (const Target& target : parsed) {
    const auto found = previous.find(target.labels.name);
    if (found != previous.end() && **found->second == target) {
      shared.push_back(*found->second);
    } else {
      shared.push_back(std::make_shared<const Target>(target));
    }
  }
  return shared;
}

// The file's targets as shared objects. One unchanged since the previous file stays the previous
// object, which the supervisor's diff then keeps on a pointer comparison, with no second copy. The
// others are copied on a thread of their own so that the copies land in another malloc arena,
// packed together: the parsed ones sit scattered among the freed nodes of the YAML tree they came
// from, one live string keeping each page of it resident (about 40 MiB at 10,000 targets, for the
// life of the daemon, where the copies take a few).
std::vector<SharedTarget> shared_compactly(const std::vector<Target>& parsed,
                                           const std::vector<SharedTarget>& previous) {
  TargetsByName previous_by_name;
  for (const SharedTarget& target : previous) {
    previous_by_name.emplace(target->labels.name, &target);
  }
  return std::async(std::launch::async, reuse_or_copy, std::cref(parsed),
                    std::cref(previous_by_name))
      .get();
}

}  // namespace

std::string TargetSources::apply_config(Config config) {
  const std::lock_guard<std::mutex> lifecycle{lifecycle_mutex_};
  const bool restart = !stopped_ && config.kubernetes != running_kubernetes_;
  if (restart && discovery_) {
    // Joined before the new file's targets are applied, so that no object of the old block's
    // cluster view outlives it. Its threads never wait for lifecycle_mutex_.
    discovery_.reset();
    const std::lock_guard<std::mutex> lock{apply_mutex_};
    objects_.clear();
    log_.info("msg=\"kubernetes discovery stopped\" reason=\"the kubernetes block changed\"");
  }
  const bool start = restart && config.kubernetes.has_value();
  const std::optional<KubernetesConfig> kubernetes = config.kubernetes;
  std::string summary;
  {
    const std::lock_guard<std::mutex> lock{apply_mutex_};
    std::vector<SharedTarget> shared = shared_compactly(config.targets, file_targets_);
    config.targets = std::vector<Target>{};  // freed now, before the actors take their memory
    std::vector<SharedTarget> previous_targets = std::exchange(file_targets_, std::move(shared));
    Config previous = std::exchange(config_, std::move(config));
    try {
      summary = recompute_locked();
      configured_ = true;
    } catch (const std::runtime_error&) {
      config_ = std::move(previous);
      file_targets_ = std::move(previous_targets);
      throw;
    }
  }
  if (restart) running_kubernetes_ = kubernetes;
  if (start) {
    discovery_ = start_(
        *kubernetes, [this](DiscoveredObjects objects) { apply_discovered(std::move(objects)); });
  }
  return summary;
}

void TargetSources::apply_discovered(DiscoveredObjects objects) {
  const std::lock_guard<std::mutex> lock{apply_mutex_};
  objects_ = std::move(objects);
  try {
    const std::string summary = recompute_locked();
    log_.info("msg=\"discovered targets applied\" {}", summary);
  } catch (const std::runtime_error& error) {
    log_.error("msg=\"discovered targets not applied\" error={}", logged(error.what()));
  }
}

// Translations are kept while neither the object nor the file's discovery policy changes, so that a
// bad annotation is logged (and counted) once, not on every change elsewhere in the cluster.
std::vector<SharedTarget> TargetSources::discovered_targets_locked() {
  std::map<ObjectId, Translation> kept;
  std::vector<SharedTarget> targets;
  for (const DiscoveredObject& found : objects_) {
    ObjectId id{found.kind, found.key};
    auto cached = translations_.find(id);
    const bool fresh =
        cached == translations_.end() ||
        !(cached->second.policy == config_.discovery ||
          cached->second.policy->same_as(*config_.discovery)) ||
        !(cached->second.object == found.object || *cached->second.object == *found.object);
    Translation translation;
    if (fresh) {
      ObjectTargets made = targets_of(found.kind, *found.object, *config_.discovery);
      if (!made.error.empty()) {
        ++(made.refused ? stats_.policy_errors : stats_.object_errors);
        log_.warn("msg=\"kubernetes object skipped\" error={}", logged(made.error));
      }
      translation = {found.object, config_.discovery, {}};
      for (Target& target : made.targets) {
        translation.targets.push_back(std::make_shared<const Target>(std::move(target)));
      }
    } else {
      translation = std::move(cached->second);
    }
    targets.insert(targets.end(), translation.targets.begin(), translation.targets.end());
    kept.emplace(std::move(id), std::move(translation));
  }
  translations_ = std::move(kept);
  return targets;
}

std::string TargetSources::recompute_locked() {
  EffectiveTargets effective =
      effective_targets(file_targets_, discovered_targets_locked(), ownership_);
  std::set<std::string> hidden(effective.hidden.begin(), effective.hidden.end());
  for (const std::string& name : hidden) {
    if (hidden_.count(name) > 0) continue;
    log_.warn(
        "msg=\"discovered target ignored: the config file has a target of the same name, which "
        "wins\" target={}",
        logged(name));
  }
  hidden_ = std::move(hidden);

  SourceCounts latest;
  latest.by_source = effective.by_source;
  latest.shard_targets = effective.targets.size();
  std::size_t all = 0;
  for (const auto& [source, count] : effective.by_source) all += count;

  // The counts are published before the targets start, so that a scrape that already shows a
  // new target's probe series also counts it; a refused apply puts the old counts back.
  SourceCounts previous;
  {
    const std::lock_guard<std::mutex> lock{counts_mutex_};
    previous = std::exchange(counts_, latest);
  }
  std::string applied;
  try {
    applied = apply_(TargetSet{std::move(effective.targets), config_.duration_buckets,
                               ownership_.by_members, config_.families});
  } catch (const std::runtime_error&) {
    const std::lock_guard<std::mutex> lock{counts_mutex_};
    counts_ = std::move(previous);
    throw;
  }
  std::string summary = "discovered=" + std::to_string(all - latest.by_source["file"]);
  if (!hidden_.empty()) summary += " hidden=" + std::to_string(hidden_.size());
  if (ownership_.by_members) {
    summary += " members=" + std::to_string(ownership_.members.size()) +
               " shard_targets=" + std::to_string(latest.shard_targets) + "/" + std::to_string(all);
  } else if (shard_.count > 1) {
    summary += " shard=" + std::to_string(shard_.index) + "/" + std::to_string(shard_.count) +
               " shard_targets=" + std::to_string(latest.shard_targets) + "/" + std::to_string(all);
  }
  return summary + " " + applied;
}

SourceCounts TargetSources::counts() const {
  const std::lock_guard<std::mutex> lock{counts_mutex_};
  return counts_;
}

}  // namespace epsitter
