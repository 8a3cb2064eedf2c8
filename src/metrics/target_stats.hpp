// What epsitter has seen of one target so far: the numbers behind its time series.
#pragma once

#include <cstdint>
#include <map>

#include "config/target.hpp"
#include "metrics/probe_history.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

struct TargetStats {
  std::uint64_t probes = 0;  // every finished probe, answered or not
  double duration_sum_seconds = 0;
  std::map<int, std::uint64_t> status_codes;   // responses by final HTTP status
  std::map<ProbeError, std::uint64_t> errors;  // probes that got no response, by reason
  ProbeHistory history;  // the last probes, for the status page; recorded with their time

  void record(const ProbeResult& result);
};

// Ordered by labels (name first), which fixes the order of series in the exposition.
using StatsByTarget = std::map<TargetLabels, TargetStats>;

}  // namespace epsitter
