// The last probes of one target (a bounded ring) and the up/down state they add up to.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "expect/evaluator.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

using WallClock = std::chrono::system_clock;

// What the status page says of a target: no probe finished yet, or the last one succeeded or not.
enum class TargetState { pending, up, down };

// One finished probe, as the status page and its JSON API show it.
struct ProbeRecord {
  WallClock::time_point at;  // when the probe ended
  double duration_seconds = 0;
  int status_code = 0;  // the final HTTP status; 0 when no response arrived
  std::optional<FailureReason>
      failure;  // why it failed (the verdict's first reason); unset: success

  bool success() const { return !failure; }
};

class ProbeHistory {
 public:
  static constexpr std::size_t kDefaultCapacity = 120;

  explicit ProbeHistory(std::size_t capacity = kDefaultCapacity);

  // Success is the verdict's: a response arrived and met the target's expectations.
  void record(const ProbeResult& result, const Verdict& verdict, WallClock::time_point at);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return ring_.size(); }
  // The kept probes, oldest first.
  std::vector<ProbeRecord> recent() const;
  std::optional<ProbeRecord> last() const;

  TargetState state() const;
  // These outlive the ring: a target down for longer than its history still knows since when.
  std::optional<WallClock::time_point> last_success_at() const { return last_success_at_; }
  std::optional<WallClock::time_point> state_since() const { return state_since_; }
  // Successful probes among the kept ones, 0..1; empty before the first probe.
  std::optional<double> success_ratio() const;

 private:
  // One probe as the ring keeps it: 8 bytes instead of ProbeRecord's 32, since 10,000 targets keep
  // 120 each (9.6 MB instead of 38). The time keeps milliseconds (what the status page shows), as
  // an offset from the ring's base; the duration keeps 12 significant bits (see pack_duration).
  struct Slot {
    std::uint32_t at_ms = 0;   // since base_ms_
    std::uint32_t packed = 0;  // duration (17 bits), status code (10), FailureReason + 1 (5)
  };
  static_assert(sizeof(Slot) == 8);

  Slot pack(const ProbeRecord& record) const;
  ProbeRecord unpack(const Slot& slot) const;
  static bool succeeded(const Slot& slot);
  // Moves base_ms_ so that every kept probe and `at_ms` fit an offset; see the .cpp.
  void rebase(std::int64_t at_ms);

  std::size_t capacity_;
  std::vector<Slot> ring_;  // grows up to capacity_, then `next_` overwrites the oldest
  std::size_t next_ = 0;
  std::int64_t base_ms_ = 0;   // ms since the epoch that Slot::at_ms counts from
  std::size_t successes_ = 0;  // among the records in ring_
  std::optional<WallClock::time_point> last_success_at_;
  std::optional<WallClock::time_point> state_since_;
};

}  // namespace epsitter
