// Probe timing: where in the interval each target starts, and when its next probe is due.
#include "actors/schedule.hpp"

namespace epsitter {

ScheduleClock::time_point first_probe_time(ScheduleClock::time_point now,
                                           std::chrono::milliseconds interval, std::size_t index,
                                           std::size_t count) {
  if (count == 0) return now;
  const auto span = std::chrono::duration_cast<ScheduleClock::duration>(interval);
  return now + span * static_cast<long long>(index) / static_cast<long long>(count);
}

ScheduleClock::time_point next_probe_time(ScheduleClock::time_point planned,
                                          std::chrono::milliseconds interval,
                                          ScheduleClock::time_point now) {
  auto next = planned + interval;
  if (next <= now) {
    const auto missed = (now - next) / interval + 1;  // whole rounds to skip
    next += interval * missed;
  }
  return next;
}

}  // namespace epsitter
