// Unit tests for probe timing: spread start times and a schedule that does not drift.
#include <catch2/catch.hpp>

#include "actors/schedule.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

TEST_CASE("first probes are spread evenly across the interval") {
  const ScheduleClock::time_point t0{};
  CHECK(first_probe_time(t0, 30s, 0, 4) == t0);
  CHECK(first_probe_time(t0, 30s, 1, 4) == t0 + 7500ms);
  CHECK(first_probe_time(t0, 30s, 3, 4) == t0 + 22500ms);
  CHECK(first_probe_time(t0, 30s, 0, 1) == t0);
  CHECK(first_probe_time(t0, 30s, 0, 0) == t0);
  // With more targets than milliseconds the spread stays exact in the clock's own resolution.
  CHECK(first_probe_time(t0, 1s, 9999, 10000) == t0 + 999900us);
}

TEST_CASE("the next probe is planned from the previous plan, not from when the tick ran") {
  const ScheduleClock::time_point t0{};
  // The tick for t0 ran 40 ms late: the next one is still at t0 + interval.
  CHECK(next_probe_time(t0, 1000ms, t0 + 40ms) == t0 + 1000ms);
  auto planned = t0;
  for (int round = 0; round < 1000; ++round) planned = next_probe_time(planned, 30s, planned + 5ms);
  CHECK(planned == t0 + 1000 * 30s);
}

TEST_CASE("rounds missed entirely are skipped, keeping the phase") {
  const ScheduleClock::time_point t0{};
  CHECK(next_probe_time(t0, 1000ms, t0 + 3500ms) == t0 + 4000ms);
  CHECK(next_probe_time(t0, 1000ms, t0 + 1000ms) == t0 + 2000ms);
}
