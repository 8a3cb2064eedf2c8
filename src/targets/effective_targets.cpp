// The targets this replica probes: the file's and the discovered ones merged (a file target wins a
// name clash), then the share of them that rendezvous hashing gives this replica's shard.
#include "targets/effective_targets.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "sharding/rendezvous.hpp"

namespace epsitter {

EffectiveTargets effective_targets(const std::vector<SharedTarget>& from_file,
                                   std::vector<SharedTarget> discovered,
                                   const Ownership& ownership) {
  EffectiveTargets effective;
  // The names taken, as views into the targets (which outlive this call); only needed when there
  // is something to clash with.
  std::unordered_set<std::string_view> taken;
  std::vector<SharedTarget> merged;
  merged.reserve(from_file.size() + discovered.size());
  if (!discovered.empty()) taken.reserve(from_file.size() + discovered.size());
  for (const SharedTarget& target : from_file) {
    if (!discovered.empty()) taken.insert(target->labels.name);
    merged.push_back(target);
  }
  std::stable_sort(
      discovered.begin(), discovered.end(),
      [](const SharedTarget& a, const SharedTarget& b) { return a->labels.name < b->labels.name; });
  for (SharedTarget& target : discovered) {
    if (!taken.insert(target->labels.name).second) {
      effective.hidden.push_back(target->labels.name);
      continue;
    }
    merged.push_back(std::move(target));
  }
  for (SharedTarget& target : merged) {
    ++effective.by_source[target->source];
    if (!ownership.owns(target->labels.name)) continue;
    effective.targets.push_back(std::move(target));
  }
  return effective;
}

EffectiveTargets effective_targets(const std::vector<SharedTarget>& from_file,
                                   std::vector<SharedTarget> discovered, const Shard& shard) {
  Ownership ownership;
  ownership.shard = shard;
  return effective_targets(from_file, std::move(discovered), ownership);
}

}  // namespace epsitter
