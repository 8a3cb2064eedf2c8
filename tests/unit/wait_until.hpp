// Waits for a condition with a generous deadline, instead of sleeping a fixed time and hoping.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace epsitter::testing {

// The default limit only a hang should reach: the machine is shared and the sanitizer builds are
// many times slower, so a test waits for what it needs, however long that takes, up to this.
inline constexpr std::chrono::milliseconds kGenerousWait{30'000};

// True as soon as `condition` holds; false when `limit` passes first.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = kGenerousWait) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace epsitter::testing
