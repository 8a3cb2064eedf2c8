// The targets this replica probes: the file's and the discovered ones merged (a file target wins a
// name clash), then the share of them that rendezvous hashing gives this replica's shard.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "config/target.hpp"
#include "sharding/rendezvous.hpp"

namespace epsitter {

struct EffectiveTargets {
  // This shard's targets: the file's in file order, then the discovered ones by name (a stable
  // order, so that a target keeps its place in the schedule's spread).
  std::vector<SharedTarget> targets;
  // Discovered targets left out because a file target (or a discovered one earlier by name) has
  // the same name. Never silent: the caller logs them.
  std::vector<std::string> hidden;
  // Targets per source ("file", "service", ...) after the merge and before sharding.
  std::map<std::string, std::size_t> by_source;
};

// A pure function: the same inputs give the same set on every replica.
EffectiveTargets effective_targets(const std::vector<SharedTarget>& from_file,
                                   std::vector<SharedTarget> discovered,
                                   const Ownership& ownership);
EffectiveTargets effective_targets(const std::vector<SharedTarget>& from_file,
                                   std::vector<SharedTarget> discovered, const Shard& shard);

}  // namespace epsitter
