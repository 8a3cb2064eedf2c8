// The alarm clock's thread (see alarm_clock.hpp).
#include "actors/alarm_clock.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <utility>
#include <vector>

#include "actors/messages.hpp"
#include "os/thread_tuning.hpp"

namespace epsitter {

AlarmClock::AlarmClock(std::chrono::milliseconds granule)
    : queue_(granule), thread_([this] { run(); }) {}

AlarmClock::~AlarmClock() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void AlarmClock::wake_at(time_point due, caf::actor_addr sleeper) {
  bool earlier = false;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    queue_.add(due, std::move(sleeper));
    const std::optional<time_point> next = queue_.next_wakeup();
    earlier = !sleeping_until_ || *next < *sleeping_until_;
    // Set here too, so that the registrations arriving before the thread has woken do not all
    // notify it again.
    if (earlier) sleeping_until_ = next;
  }
  if (earlier) changed_.notify_one();
}

void AlarmClock::run() {
  name_this_thread("alarm-clock");
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    // Recomputed under the lock at every turn: a registration made while the ticks were being
    // sent, or a spurious wake-up, is seen here.
    sleeping_until_ = queue_.next_wakeup();
    if (!sleeping_until_) {
      changed_.wait(lock);
      continue;
    }
    if (clock_type::now() < *sleeping_until_) {
      changed_.wait_until(lock, *sleeping_until_);
      continue;
    }
    std::vector<caf::actor_addr> due = queue_.take_due(clock_type::now());
    lock.unlock();  // registrations go on while the ticks are sent
    for (const caf::actor_addr& address : due) {
      // Empty when the target actor has stopped meanwhile.
      if (auto sleeper = caf::actor_cast<caf::actor>(address)) {
        caf::anon_send(sleeper, tick_atom::value);
      }
    }
    due.clear();  // the weak references go before the lock is taken again
    lock.lock();
  }
}

}  // namespace epsitter
