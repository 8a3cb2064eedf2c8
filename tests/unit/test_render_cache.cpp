// The metrics actor's rendering cache: when a rendering may still be served, on a clock the test
// sets.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

#include "actors/render_cache.hpp"

using epsitter::RenderCache;
using namespace std::chrono_literals;

namespace {

using Clock = RenderCache<int>::Clock;
const Clock::time_point kStart{};

}  // namespace

TEST_CASE("a rendering is served until something changes, then for its window") {
  RenderCache<int> cache{9.0};
  CHECK(cache.reusable(kStart) == nullptr);  // nothing rendered yet

  auto rendering = std::make_shared<const int>(1);
  cache.store(rendering, kStart, kStart + 10ms);  // took 10 ms: a window of 90 ms
  CHECK(cache.reusable(kStart + 1h) == rendering);  // nothing changed: served however old

  cache.changed(kStart + 20ms);
  CHECK(cache.reusable(kStart + 20ms) == rendering);
  CHECK(cache.reusable(kStart + 99ms) == rendering);
  CHECK(cache.reusable(kStart + 100ms) == nullptr);  // 90 ms after it was finished

  auto next = std::make_shared<const int>(2);
  cache.store(next, kStart + 100ms, kStart + 101ms);  // 1 ms: a window of 9 ms
  cache.changed(kStart + 102ms);
  CHECK(cache.reusable(kStart + 109ms) == next);
  CHECK(cache.reusable(kStart + 110ms) == nullptr);
}

TEST_CASE("a stale rendering past its window is let go when the next change comes") {
  RenderCache<int> cache{9.0};
  auto rendering = std::make_shared<const int>(1);
  cache.store(rendering, kStart, kStart + 10ms);
  cache.changed(kStart + 200ms);
  CHECK(rendering.use_count() == 1);  // the cache holds it no longer
}

TEST_CASE("with a factor of 0 every change shows at once") {
  RenderCache<int> cache{0.0};
  cache.store(std::make_shared<const int>(1), kStart, kStart + 1s);
  CHECK(cache.reusable(kStart + 2s) != nullptr);
  cache.changed(kStart + 2s);
  CHECK(cache.reusable(kStart + 2s) == nullptr);
}

TEST_CASE("a discarded rendering is never served again") {
  RenderCache<int> cache{9.0};
  cache.store(std::make_shared<const int>(1), kStart, kStart + 10ms);
  cache.discard();
  CHECK(cache.reusable(kStart + 10ms) == nullptr);
}
