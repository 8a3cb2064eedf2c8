// The alarm clock actor (see alarm_clock.hpp).
#include "actors/alarm_clock.hpp"

#include <caf/all.hpp>
#include <optional>

#include "actors/alarm_queue.hpp"
#include "actors/messages.hpp"

namespace epsitter {

namespace {

// The clock's own CAF timer firing: the wake-up time it was armed for.
struct AlarmWakeup {
  caf::actor_clock::time_point at;
};

}  // namespace

}  // namespace epsitter

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::AlarmWakeup)

namespace epsitter {

namespace {

struct AlarmClockState {
  static inline const char* name = "alarm-clock";
  AlarmQueue<caf::actor_addr, caf::actor_clock::clock_type> queue{kAlarmGranule};
  // The earliest CAF timer pending, if any. Timers armed for later times may be pending too (an
  // earlier alarm arrived after them); they wake the clock harmlessly.
  std::optional<caf::actor_clock::time_point> armed;
};

void arm(caf::stateful_actor<AlarmClockState>* self) {
  auto& state = self->state;
  const auto next = state.queue.next_wakeup();
  if (!next || (state.armed && *state.armed <= *next)) return;
  state.armed = next;
  self->scheduled_send(self, *next, AlarmWakeup{*next});
}

caf::behavior alarm_clock(caf::stateful_actor<AlarmClockState>* self,
                          std::chrono::milliseconds granule) {
  self->state.queue = AlarmQueue<caf::actor_addr, caf::actor_clock::clock_type>{granule};
  return {
      [self](AlarmRequest& request) {
        self->state.queue.add(request.due, std::move(request.sleeper));
        arm(self);
      },
      [self](const AlarmWakeup& wakeup) {
        auto& state = self->state;
        if (state.armed == wakeup.at) state.armed.reset();
        for (const caf::actor_addr& address : state.queue.take_due(self->clock().now())) {
          // Empty when the target actor has stopped meanwhile.
          if (auto sleeper = caf::actor_cast<caf::actor>(address)) {
            self->send(sleeper, tick_atom::value);
          }
        }
        arm(self);
      },
  };
}

}  // namespace

caf::actor spawn_alarm_clock(caf::actor_system& system) {
  // The granule is passed, not just read from kAlarmGranule, because CAF 0.17 binds a reference
  // to a null argument tuple when a function actor is spawned without arguments (UBSan reports
  // it).
  return system.spawn(alarm_clock, kAlarmGranule);
}

}  // namespace epsitter
