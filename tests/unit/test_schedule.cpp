// Unit tests for probe timing: spread start times and a schedule that does not drift.
#include <catch2/catch.hpp>
#include <string>

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

TEST_CASE("a target's phased first probe is the same wall-clock moment on any replica") {
  const ScheduleClock::time_point t0{};
  const std::chrono::system_clock::time_point wall{std::chrono::seconds(1'800'000'000)};
  // Two replicas started at different times agree on the target's moments, modulo the interval.
  const auto first = phased_first_probe_time(t0, wall, 30s, "shop/web");
  const auto later = phased_first_probe_time(t0 + 7s, wall + 7s, 30s, "shop/web");
  CHECK(first >= t0);
  CHECK(first < t0 + 30s);
  CHECK((later - first) % 30s == 0s);
  CHECK(later >= t0 + 7s);
  CHECK(later < t0 + 37s);
  // Many targets' phases spread over the interval rather than bunch at its start.
  int first_half = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto at = phased_first_probe_time(t0, wall, 10s, "target-" + std::to_string(i));
    CHECK(at - t0 < 10s);
    if (at - t0 < 5s) ++first_half;
  }
  CHECK(first_half > 400);
  CHECK(first_half < 600);
}
