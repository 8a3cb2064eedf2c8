// Probe timing: where in the interval each target starts, and when its next probe is due.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace epsitter {

using ScheduleClock = std::chrono::steady_clock;

// Target `index` of `count` first probes at now + index * interval / count: evenly spread, so N
// targets make N/interval requests per second rather than a burst of N at every round's start.
ScheduleClock::time_point first_probe_time(ScheduleClock::time_point now,
                                           std::chrono::milliseconds interval, std::size_t index,
                                           std::size_t count);

// The first probe of target `name` at its own phase: the next moment after `now` whose wall-clock
// time, in milliseconds since the epoch modulo the interval, equals fnv1a64(name) modulo the
// interval. Every replica computes the same moments (up to their clocks' skew), so a target that
// moves between replicas keeps its rhythm, and the phases of many targets spread evenly.
ScheduleClock::time_point phased_first_probe_time(ScheduleClock::time_point now,
                                                  std::chrono::system_clock::time_point wall_now,
                                                  std::chrono::milliseconds interval,
                                                  std::string_view name);

// The next planned probe after `planned`: planned + interval, never now + interval, so that the
// schedule does not drift. Rounds missed entirely (a stalled process) are skipped, not bunched.
ScheduleClock::time_point next_probe_time(ScheduleClock::time_point planned,
                                          std::chrono::milliseconds interval,
                                          ScheduleClock::time_point now);

}  // namespace epsitter
