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
  // One probe as the ring keeps it: 16 bytes instead of ProbeRecord's 32, since 10,000 targets
  // keep 120 each (19 MiB instead of 38). Times and durations keep microseconds.
  struct Slot {
    std::int64_t at_us = 0;           // since the epoch
    std::uint32_t duration_us = 0;    // timeouts are at most an hour: fits
    std::uint16_t status_code = 0;    // 0: no response
    std::uint8_t failure_plus_1 = 0;  // FailureReason + 1; 0: success

    bool success() const { return failure_plus_1 == 0; }
  };
  static Slot pack(const ProbeRecord& record);
  static ProbeRecord unpack(const Slot& slot);

  std::size_t capacity_;
  std::vector<Slot> ring_;  // grows up to capacity_, then `next_` overwrites the oldest
  std::size_t next_ = 0;
  std::size_t successes_ = 0;  // among the records in ring_
  std::optional<WallClock::time_point> last_success_at_;
  std::optional<WallClock::time_point> state_since_;
};

}  // namespace epsitter
