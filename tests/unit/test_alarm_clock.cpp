// Unit tests for the alarm clock's thread with a real actor system: sleepers are ticked at their
// time and never before, an earlier registration wakes the sleeping thread, stopped sleepers are
// neither ticked nor kept alive, and the clock stops at once with alarms pending.
#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "actors/alarm_clock.hpp"
#include "actors/messages.hpp"
#include "actor_stubs.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Clock = AlarmClock::clock_type;

namespace {

// When each tick reached one sleeper actor, read from the test's thread.
class Arrivals {
 public:
  void add(Clock::time_point at) {
    const std::lock_guard<std::mutex> lock(mutex_);
    at_.push_back(at);
  }
  std::vector<Clock::time_point> all() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return at_;
  }
  std::size_t count() const { return all().size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<Clock::time_point> at_;
};

caf::behavior sleeper(caf::event_based_actor*, std::shared_ptr<Arrivals> arrivals) {
  return {
      [arrivals](tick_atom) { arrivals->add(Clock::now()); },
  };
}

// Declaration order is teardown order, reversed: the sleepers end (in the destructor's body),
// then the clock, then the actor system.
struct ClockFixture {
  SmallSystemConfig config;
  caf::actor_system system{config};
  AlarmClock clock;
  std::vector<caf::actor> sleepers;

  ~ClockFixture() {
    for (const auto& actor : sleepers) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
  }

  caf::actor spawn(std::shared_ptr<Arrivals> arrivals) {
    sleepers.push_back(system.spawn(sleeper, std::move(arrivals)));
    return sleepers.back();
  }
};

}  // namespace

TEST_CASE("a sleeper is ticked once, at its due time and not before") {
  ClockFixture fixture;
  auto arrivals = std::make_shared<Arrivals>();
  const caf::actor actor = fixture.spawn(arrivals);
  const auto due = Clock::now() + 50ms;
  fixture.clock.wake_at(due, actor.address());
  REQUIRE(wait_until([&] { return arrivals->count() >= 1; }));
  CHECK(arrivals->all().front() >= due);
  std::this_thread::sleep_for(50ms);  // a second tick would be a bug; give it a chance to show
  CHECK(arrivals->count() == 1);
}

TEST_CASE("every sleeper due within one granule is ticked") {
  ClockFixture fixture;
  const auto due = Clock::now() + 50ms;
  std::vector<std::shared_ptr<Arrivals>> all;
  for (int i = 0; i < 5; ++i) {
    all.push_back(std::make_shared<Arrivals>());
    fixture.clock.wake_at(due + std::chrono::microseconds(300 * i),
                          fixture.spawn(all.back()).address());
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO("sleeper " << i);
    REQUIRE(wait_until([&] { return all[i]->count() == 1; }));
    CHECK(all[i]->all().front() >= due + std::chrono::microseconds(300 * i));
  }
}

TEST_CASE("an earlier registration wakes the clock sleeping until a later one") {
  ClockFixture fixture;
  auto late = std::make_shared<Arrivals>();
  auto early = std::make_shared<Arrivals>();
  const auto start = Clock::now();
  fixture.clock.wake_at(start + 10s, fixture.spawn(late).address());
  std::this_thread::sleep_for(20ms);  // the thread is now asleep until start + 10 s
  fixture.clock.wake_at(start + 50ms, fixture.spawn(early).address());
  // Well before the 10 s the thread had planned to sleep.
  REQUIRE(wait_until([&] { return early->count() == 1; }, 5s));
  CHECK(early->all().front() >= start + 50ms);
  CHECK(late->count() == 0);
}

TEST_CASE("a sleeper that has exited is skipped and not kept alive") {
  ClockFixture fixture;
  auto gone = std::make_shared<Arrivals>();
  auto held = std::make_shared<Arrivals>();
  auto live = std::make_shared<Arrivals>();
  caf::actor_addr gone_address;
  caf::actor_addr held_address;
  {
    caf::actor gone_actor = fixture.system.spawn(sleeper, gone);
    caf::actor held_actor = fixture.system.spawn(sleeper, held);
    gone_address = gone_actor.address();
    held_address = held_actor.address();
    fixture.clock.wake_at(Clock::now() + 1h, held_address);
    caf::anon_send_exit(gone_actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(held_actor, caf::exit_reason::user_shutdown);
  }
  // Freed although its alarm is still an hour away: the clock holds it weakly.
  CHECK(wait_until([&] { return !caf::actor_cast<caf::actor>(held_address); }));
  // Registered once it is gone, so that its turn surely finds it gone.
  REQUIRE(wait_until([&] { return !caf::actor_cast<caf::actor>(gone_address); }));
  const auto start = Clock::now();
  fixture.clock.wake_at(start + 50ms, gone_address);
  // Due after the exited one: the clock went past it and kept working.
  fixture.clock.wake_at(start + 100ms, fixture.spawn(live).address());
  REQUIRE(wait_until([&] { return live->count() == 1; }));
  CHECK(gone->count() == 0);
  CHECK(held->count() == 0);
}

TEST_CASE("destroying the clock with alarms pending returns at once") {
  SmallSystemConfig config;
  caf::actor_system system{config};
  auto arrivals = std::make_shared<Arrivals>();
  const caf::actor actor = system.spawn(sleeper, arrivals);
  std::optional<AlarmClock> clock;
  clock.emplace();
  clock->wake_at(Clock::now() + 20s, actor.address());
  clock->wake_at(Clock::now() + 20s + 1ms, actor.address());
  std::this_thread::sleep_for(20ms);  // the thread is asleep until the first
  const auto before = Clock::now();
  clock.reset();
  // Generous for a slow machine, and well short of the 20 s the thread had planned to sleep.
  CHECK(Clock::now() - before < 10s);
  CHECK(arrivals->count() == 0);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}
