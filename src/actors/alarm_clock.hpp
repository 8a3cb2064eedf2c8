// The alarm clock actor: wakes target actors at their planned probe times, many per wake-up.
//
// Why not CAF's own timers (scheduled_send)? Each one costs CAF's clock thread a wake-up of its
// own, and every new timer wakes it again to insert it: at 10,000 probes/s that thread made
// ~26,000 futex calls a second and used about a third of a core. This actor keeps the due times
// in one queue and arms a single CAF timer for the earliest, rounded up to kAlarmGranule, so
// targets due within the same granule share one wake-up.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/fwd.hpp>
#include <chrono>

namespace epsitter {

// How late a wake-up may be so that targets due close together share it.
inline constexpr std::chrono::milliseconds kAlarmGranule{2};

// Sent to the alarm clock: send tick_atom to `sleeper` at `due` (or within kAlarmGranule after).
// The clock holds the sleeper weakly: a target actor stopped by a reload is freed at once, not
// kept alive by its pending alarm.
struct AlarmRequest {
  caf::actor_clock::time_point due;
  caf::actor_addr sleeper;
};

caf::actor spawn_alarm_clock(caf::actor_system& system);

}  // namespace epsitter

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::AlarmRequest)
