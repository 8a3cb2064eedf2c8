// Unit tests for YoungTransfers: what counts against the engine's limit of transfers starting up.
#include <catch2/catch.hpp>

#include "probe/young_transfers.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Clock = YoungTransfers::Clock;

TEST_CASE("room runs out at the limit and comes back as transfers finish") {
  YoungTransfers young{2, 100ms};
  const Clock::time_point t0{};
  CHECK(young.has_room());
  young.started(1, t0);
  young.started(2, t0);
  CHECK_FALSE(young.has_room());
  young.finished(2);
  CHECK(young.has_room());
  CHECK(young.young() == 1);
  young.finished(2);  // twice: counted once
  CHECK(young.young() == 1);
}

TEST_CASE("a transfer open longer than the young period stops counting, and only once") {
  YoungTransfers young{2, 100ms};
  const Clock::time_point t0{};
  young.started(1, t0);
  young.started(2, t0 + 50ms);
  CHECK_FALSE(young.has_room());
  REQUIRE(young.next_aging() == t0 + 100ms);
  young.age(t0 + 99ms);
  CHECK(young.young() == 2);
  young.age(t0 + 100ms);  // transfer 1 hangs: it no longer holds a place
  CHECK(young.young() == 1);
  CHECK(young.has_room());
  CHECK(young.next_aging() == t0 + 150ms);
  young.finished(1);  // finishing after it aged changes nothing
  CHECK(young.young() == 1);
  young.finished(2);
  CHECK(young.young() == 0);
  CHECK_FALSE(young.next_aging());
}

TEST_CASE("finished transfers in the middle age out without being counted twice") {
  YoungTransfers young{10, 100ms};
  const Clock::time_point t0{};
  for (std::uint64_t id = 1; id <= 5; ++id) young.started(id, t0 + std::chrono::milliseconds(id));
  young.finished(3);
  young.finished(4);
  CHECK(young.young() == 3);
  young.age(t0 + 200ms);
  CHECK(young.young() == 0);
  CHECK_FALSE(young.next_aging());
  young.started(6, t0 + 200ms);
  CHECK(young.young() == 1);
  young.clear();
  CHECK(young.young() == 0);
}

TEST_CASE("however many transfers hang, the limit admits a steady stream") {
  // Every transfer hangs: each period of 100 ms admits `limit` new ones.
  YoungTransfers young{4, 100ms};
  Clock::time_point now{};
  std::uint64_t id = 0;
  int admitted = 0;
  for (int step = 0; step < 1000; ++step, now += 1ms) {  // one second
    young.age(now);
    while (young.has_room()) {
      young.started(++id, now);
      ++admitted;
    }
  }
  CHECK(admitted == 40);
}
