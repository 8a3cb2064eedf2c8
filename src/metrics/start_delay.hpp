// How late probes start against their schedule, over all targets: the figure that shows an
// overloaded epsitter (too few scheduler threads, the in-flight bound reached, a starved CPU)
// before its probes drift far enough to matter.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace epsitter {

class FamilyWriter;

class StartDelayHistogram {
 public:
  // Upper bounds in seconds: the engine's 2 ms schedule granule falls in the second bucket; a delay
  // past 5 s means probes are dropping far behind.
  static constexpr std::array<double, 12> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,   0.25,   0.5,   1,    2.5,   5};

  // Thread-safe and lock-free: target actors call it from every scheduler thread. A negative delay
  // counts as zero.
  void observe(std::chrono::nanoseconds delay);

  // The `prefix`_probe_start_delay_seconds histogram. Read while probes finish, a bucket may count
  // a probe that the sum does not hold yet; the buckets stay cumulative and _count is +Inf's.
  std::string render(std::string_view prefix) const;
  // The same family in any format.
  void write(FamilyWriter& out, std::string_view prefix) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};  // per bucket, +Inf last
  std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

}  // namespace epsitter
