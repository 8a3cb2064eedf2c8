// Unit tests for per-target aggregation of probe results.
#include <catch2/catch.hpp>

#include "metrics/target_stats.hpp"

using namespace epsitter;

TEST_CASE("every probe counts and adds its duration; responses by status, failures by reason") {
  TargetStats stats;
  stats.record(ProbeResult{ProbeError::none, 200, 0.5, 10, ""});
  stats.record(ProbeResult{ProbeError::none, 503, 0.25, 0, ""});
  stats.record(ProbeResult{ProbeError::none, 200, 0.25, 10, ""});
  stats.record(ProbeResult{ProbeError::timeout, 0, 2.0, 0, "timed out"});
  CHECK(stats.probes == 4);
  CHECK(stats.duration_sum_seconds == Approx(3.0));
  CHECK(stats.status_codes.at(200) == 2);
  CHECK(stats.status_codes.at(503) == 1);
  CHECK(stats.status_codes.count(0) == 0);
  CHECK(stats.errors.at(ProbeError::timeout) == 1);
}
