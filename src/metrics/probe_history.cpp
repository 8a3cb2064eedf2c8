// The last probes of one target (a bounded ring) and the up/down state they add up to.
#include "metrics/probe_history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace epsitter {

ProbeHistory::ProbeHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

ProbeHistory::Slot ProbeHistory::pack(const ProbeRecord& record) {
  Slot slot;
  slot.at_us =
      std::chrono::duration_cast<std::chrono::microseconds>(record.at.time_since_epoch()).count();
  const double duration_us = std::round(std::max(record.duration_seconds, 0.0) * 1e6);
  slot.duration_us = static_cast<std::uint32_t>(
      std::min(duration_us, static_cast<double>(std::numeric_limits<std::uint32_t>::max())));
  slot.status_code = static_cast<std::uint16_t>(std::clamp(record.status_code, 0, 65'535));
  slot.failure_plus_1 =
      record.failure ? static_cast<std::uint8_t>(static_cast<int>(*record.failure) + 1) : 0;
  return slot;
}

ProbeRecord ProbeHistory::unpack(const Slot& slot) {
  ProbeRecord record;
  record.at = WallClock::time_point{
      std::chrono::duration_cast<WallClock::duration>(std::chrono::microseconds(slot.at_us))};
  record.duration_seconds = static_cast<double>(slot.duration_us) / 1e6;
  record.status_code = slot.status_code;
  if (!slot.success()) record.failure = static_cast<FailureReason>(slot.failure_plus_1 - 1);
  return record;
}

void ProbeHistory::record(const ProbeResult& result, const Verdict& verdict,
                          WallClock::time_point at) {
  const Slot slot = pack({at, result.duration_seconds, result.status_code, verdict.failure});
  const TargetState before = state();
  if (ring_.size() < capacity_) {
    if (ring_.empty()) ring_.reserve(capacity_);  // exactly, not a doubling past it
    ring_.push_back(slot);
  } else {
    successes_ -= ring_[next_].success() ? 1 : 0;
    ring_[next_] = slot;
  }
  next_ = (next_ + 1) % capacity_;
  successes_ += slot.success() ? 1 : 0;
  if (slot.success()) last_success_at_ = at;
  const TargetState after = slot.success() ? TargetState::up : TargetState::down;
  if (after != before) state_since_ = at;
}

std::vector<ProbeRecord> ProbeHistory::recent() const {
  std::vector<ProbeRecord> ordered;
  ordered.reserve(ring_.size());
  // Until the ring is full the oldest probe is at 0; after that, where `next_` writes next.
  const std::size_t oldest = ring_.size() < capacity_ ? 0 : next_;
  for (std::size_t i = 0; i < ring_.size(); ++i) {
    ordered.push_back(unpack(ring_[(oldest + i) % ring_.size()]));
  }
  return ordered;
}

std::optional<ProbeRecord> ProbeHistory::last() const {
  if (ring_.empty()) return std::nullopt;
  return unpack(ring_[(next_ + capacity_ - 1) % capacity_]);
}

TargetState ProbeHistory::state() const {
  const auto newest = last();
  if (!newest) return TargetState::pending;
  return newest->success() ? TargetState::up : TargetState::down;
}

std::optional<double> ProbeHistory::success_ratio() const {
  if (ring_.empty()) return std::nullopt;
  return static_cast<double>(successes_) / static_cast<double>(ring_.size());
}

}  // namespace epsitter
