// Probe timing: where in the interval each target starts, and when its next probe is due.
#include "actors/schedule.hpp"

#include "sharding/rendezvous.hpp"

namespace epsitter {

ScheduleClock::time_point first_probe_time(ScheduleClock::time_point now,
                                           std::chrono::milliseconds interval, std::size_t index,
                                           std::size_t count) {
  if (count == 0) return now;
  const auto span = std::chrono::duration_cast<ScheduleClock::duration>(interval);
  return now + span * static_cast<long long>(index) / static_cast<long long>(count);
}

ScheduleClock::time_point phased_first_probe_time(ScheduleClock::time_point now,
                                                  std::chrono::system_clock::time_point wall_now,
                                                  std::chrono::milliseconds interval,
                                                  std::string_view name) {
  const long long period = interval.count();
  if (period <= 0) return now;
  const auto phase =
      static_cast<long long>(fnv1a64(name) % static_cast<unsigned long long>(period));
  const long long wall =
      std::chrono::duration_cast<std::chrono::milliseconds>(wall_now.time_since_epoch()).count() %
      period;
  const long long wait = ((phase - wall) % period + period) % period;
  return now + std::chrono::milliseconds(wait);
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
