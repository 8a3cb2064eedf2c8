// The targets to run, as the target sources hand them to the supervisor's diff.
#pragma once

#include <vector>

#include "config/target.hpp"
#include "metrics/family_selection.hpp"

namespace epsitter {

struct TargetSet {
  // A target that a change left as it was is the same object as before, so that the diff keeps it
  // at the cost of a pointer comparison.
  std::vector<SharedTarget> targets;
  std::vector<double> duration_buckets;  // upper bounds of the request duration histogram
  // A new target's first probe at its own phase of the interval, from a hash of its name and the
  // wall clock, rather than spread by its position: in membership mode a target that changes
  // owner is then probed by the new owner at the time the old one would have (no burst).
  bool phase_by_name = false;
  FamilySelection families{};  // the config's `metrics:` switches, for the metrics actor
};

}  // namespace epsitter
