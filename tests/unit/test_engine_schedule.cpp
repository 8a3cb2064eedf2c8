// The HTTP engine's schedule (HttpEngine::submit_at): slots start at their due time, never before,
// once each; a slot let go of, or one that returns no request, sends nothing.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine_fixture.hpp"
#include "probe/http_engine.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

using Clock = HttpEngine::Clock;

// A slot for `url` that counts how often it was asked for its request and keeps its results.
struct CountingSlot {
  struct Seen {
    std::mutex mutex;
    std::size_t asked = 0;
    std::vector<ProbeResult> results;
  };
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();
  std::shared_ptr<const HttpEngine::Slot> slot;

  explicit CountingSlot(const std::string& url, bool sends = true) {
    HttpEngine::Slot made;
    const auto request = std::make_shared<const ProbeRequest>(request_to(url));
    made.on_due = [seen = seen, request, sends] {
      const std::lock_guard<std::mutex> lock(seen->mutex);
      ++seen->asked;
      return sends ? request : nullptr;
    };
    made.on_done = [seen = seen](ProbeResult result) {
      const std::lock_guard<std::mutex> lock(seen->mutex);
      seen->results.push_back(std::move(result));
    };
    slot = std::make_shared<const HttpEngine::Slot>(std::move(made));
  }

  std::size_t asked() const {
    const std::lock_guard<std::mutex> lock(seen->mutex);
    return seen->asked;
  }
  std::vector<ProbeResult> results() const {
    const std::lock_guard<std::mutex> lock(seen->mutex);
    return seen->results;
  }
};

}  // namespace

TEST_CASE_METHOD(EngineFixture, "a slot starts at its due time, not before, and only once") {
  server.on("/due", Reply::respond(200));
  const CountingSlot due{server.url("/due")};
  const auto at = Clock::now() + 150ms;
  engine.submit_at(at, due.slot);
  REQUIRE(wait_until([&] { return due.results().size() == 1; }));
  const auto results = due.results();
  CHECK(results.front().status_code == 200);
  CHECK(results.front().started >= at);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests().front().arrived >= at);
  CHECK(due.asked() == 1);
  CHECK(engine.in_flight() == 0);
}

TEST_CASE_METHOD(EngineFixture, "a slot let go of before its due time is never asked") {
  server.on("/dropped", Reply::respond(200));
  server.on("/kept", Reply::respond(200));
  CountingSlot dropped{server.url("/dropped")};
  const CountingSlot kept{server.url("/kept")};
  const auto now = Clock::now();
  engine.submit_at(now + 50ms, dropped.slot);
  engine.submit_at(now + 100ms, kept.slot);
  dropped.slot.reset();  // the engine held it weakly: it is gone
  // Slots are taken in due order, so once the later one has run the earlier one had its turn.
  REQUIRE(wait_until([&] { return kept.results().size() == 1; }));
  CHECK(dropped.asked() == 0);
  CHECK(server.count("/dropped") == 0);
}

TEST_CASE_METHOD(EngineFixture,
                 "a slot that returns no request sends nothing and completes nothing") {
  server.on("/silent", Reply::respond(200));
  server.on("/later", Reply::respond(200));
  const CountingSlot silent{server.url("/silent"), false};
  const CountingSlot later{server.url("/later")};
  const auto now = Clock::now();
  engine.submit_at(now + 20ms, silent.slot);
  engine.submit_at(now + 60ms, later.slot);
  REQUIRE(wait_until([&] { return later.results().size() == 1; }));
  CHECK(silent.asked() == 1);
  CHECK(silent.results().empty());
  CHECK(server.count("/silent") == 0);
  CHECK(engine.in_flight() == 0);
}

TEST_CASE_METHOD(EngineFixture, "many slots due close together each start once") {
  server.on("/many", Reply::respond(200));
  constexpr std::size_t kSlots = 200;
  std::vector<CountingSlot> slots;
  const auto now = Clock::now();
  for (std::size_t i = 0; i < kSlots; ++i) {
    slots.emplace_back(server.url("/many"));
    engine.submit_at(now + std::chrono::milliseconds(i % 50), slots.back().slot);
  }
  REQUIRE(wait_until([&] { return server.count("/many") >= kSlots && engine.in_flight() == 0; }));
  for (const auto& slot : slots) {
    CHECK(slot.asked() == 1);
    CHECK(slot.results().size() == 1);
  }
  CHECK(server.count("/many") == kSlots);
}

TEST_CASE_METHOD(EngineFixture, "a slot due before the engine planned to wake up wakes it") {
  server.on("/late", Reply::respond(200));
  server.on("/soon", Reply::respond(200));
  const CountingSlot late{server.url("/late")};
  const CountingSlot soon{server.url("/soon")};
  engine.submit_at(Clock::now() + 5s, late.slot);
  // Let the engine's thread go to sleep until the first slot's time (at most its 1 s idle wait).
  std::this_thread::sleep_for(50ms);
  const auto submitted = Clock::now();
  engine.submit_at(submitted + 10ms, soon.slot);
  REQUIRE(wait_until([&] { return soon.results().size() == 1; }));
  // Without the wake-up it would start at the idle wait's end, up to a second later; the margin
  // leaves a loaded machine most of that second.
  CHECK(soon.results().front().started - submitted < 800ms);
  CHECK(late.asked() == 0);
}
