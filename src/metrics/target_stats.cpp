// What epsitter has seen of one target so far: the numbers behind its time series.
#include "metrics/target_stats.hpp"

namespace epsitter {

void TargetStats::record(const ProbeResult& result) {
  ++probes;
  duration_sum_seconds += result.duration_seconds;
  if (result.error == ProbeError::none) {
    ++status_codes[result.status_code];
  } else {
    ++errors[result.error];
  }
}

}  // namespace epsitter
