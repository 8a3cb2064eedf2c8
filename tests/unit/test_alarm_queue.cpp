// Unit tests for the alarm clock's queue: due sleepers in order, wake-ups shared per granule.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "probe/alarm_queue.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("an empty queue needs no wake-up and has nobody due") {
  AlarmQueue<int> queue{2ms};
  CHECK(queue.empty());
  CHECK_FALSE(queue.next_wakeup().has_value());
  CHECK(queue.take_due(Clock::time_point{} + 1h).empty());
}

TEST_CASE("sleepers are taken when due, earliest first, ties in the order added") {
  const Clock::time_point t0{};
  AlarmQueue<std::string> queue{1ms};
  queue.add(t0 + 30ms, "c");
  queue.add(t0 + 10ms, "a");
  queue.add(t0 + 20ms, "b1");
  queue.add(t0 + 20ms, "b2");
  queue.add(t0 + 20ms, "b3");
  CHECK(queue.take_due(t0 + 9ms).empty());
  CHECK(queue.take_due(t0 + 10ms) == std::vector<std::string>{"a"});
  CHECK(queue.take_due(t0 + 25ms) == std::vector<std::string>{"b1", "b2", "b3"});
  CHECK(queue.size() == 1);
  CHECK(queue.take_due(t0 + 1h) == std::vector<std::string>{"c"});
  CHECK(queue.empty());
}

TEST_CASE("the wake-up is the earliest due time rounded up to a whole granule") {
  const Clock::time_point t0{};
  AlarmQueue<int> queue{2ms};
  queue.add(t0 + 5001us, 1);
  queue.add(t0 + 5900us, 2);
  queue.add(t0 + 6001us, 3);
  // Never early, at most one granule late: the first two share the wake-up at 6 ms.
  REQUIRE(queue.next_wakeup() == t0 + 6ms);
  CHECK(queue.take_due(t0 + 6ms) == std::vector<int>{1, 2});
  CHECK(queue.next_wakeup() == t0 + 8ms);
  // A due time on a granule boundary is not moved.
  queue.add(t0 + 4ms, 4);
  CHECK(queue.next_wakeup() == t0 + 4ms);
}

TEST_CASE("10,000 sleepers spread over a second need at most one wake-up per granule") {
  const Clock::time_point t0{};
  AlarmQueue<int> queue{2ms};
  const Clock::time_point first = t0 + 50us;  // off the granule grid, like real due times
  for (int i = 0; i < 10'000; ++i) queue.add(first + i * 100us, i);
  int wakeups = 0;
  int woken = 0;
  int expected_next = 0;
  while (auto at = queue.next_wakeup()) {
    ++wakeups;
    for (int sleeper : queue.take_due(*at)) {
      CHECK(sleeper == expected_next);  // every one exactly once, in due order
      CHECK(first + sleeper * 100us <= *at);
      CHECK(*at - (first + sleeper * 100us) < 2ms);
      ++expected_next;
      ++woken;
    }
  }
  CHECK(woken == 10'000);
  CHECK(wakeups == 500);  // CAF's clock would have woken 10,000 times
}

TEST_CASE("a zero granule falls back to the clock's own tick instead of dividing by zero") {
  const Clock::time_point t0{};
  AlarmQueue<int> queue{Clock::duration::zero()};
  queue.add(t0 + 123ns, 1);
  CHECK(queue.next_wakeup() == t0 + 123ns);
}
