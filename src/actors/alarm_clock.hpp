// The alarm clock: wakes target actors at their planned probe times, many per wake-up, from a
// thread of its own.
//
// Why not CAF's own timers (scheduled_send)? Each one costs CAF's clock thread a wake-up of its
// own, and every new timer wakes it again to insert it: at 10,000 probes/s that thread made
// ~26,000 futex calls a second and used about a third of a core. Why not an actor? Each probe's
// registration would be a message (a job on a CAF worker), and the actor would still need a CAF
// timer per wake-up, so the clock thread woke about 1.5 times per probe even with shared wake-ups.
// Here the due times wait in one queue under a mutex; the thread sleeps until the earliest,
// rounded up to kAlarmGranule, so targets due within the same granule share one wake-up. A
// registration wakes the thread only when it is due before the wake-up already planned: in steady
// state each target registers one interval ahead, so registrations wake nobody.
#pragma once

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/alarm_queue.hpp"

namespace epsitter {

// How late a wake-up may be so that targets due close together share it.
inline constexpr std::chrono::milliseconds kAlarmGranule{2};

// Owned by main() (or a test), which must destroy it after every target actor has stopped and
// before the actor system: the thread sends to actors until it is joined.
class AlarmClock {
 public:
  using clock_type = caf::actor_clock::clock_type;  // std::chrono::steady_clock
  using time_point = caf::actor_clock::time_point;

  explicit AlarmClock(std::chrono::milliseconds granule = kAlarmGranule);
  ~AlarmClock();
  AlarmClock(const AlarmClock&) = delete;
  AlarmClock& operator=(const AlarmClock&) = delete;

  // Sends tick_atom to `sleeper` at `due` or within one granule after, never before. Thread-safe.
  // The clock holds the sleeper weakly: a target actor stopped by a reload is freed at once, not
  // kept alive by its pending alarm, and skipped when its time comes.
  void wake_at(time_point due, caf::actor_addr sleeper);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  AlarmQueue<caf::actor_addr, clock_type> queue_;  // guarded by mutex_
  // The wake-up the thread sleeps until; empty while it sleeps with no deadline. Guarded by
  // mutex_.
  std::optional<time_point> sleeping_until_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: it starts once everything above is ready
};

}  // namespace epsitter
