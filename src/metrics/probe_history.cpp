// The last probes of one target (a bounded ring) and the up/down state they add up to.
#include "metrics/probe_history.hpp"

#include <algorithm>

namespace epsitter {

ProbeHistory::ProbeHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void ProbeHistory::record(const ProbeResult& result, const Verdict& verdict,
                          WallClock::time_point at) {
  const ProbeRecord record{at, result.duration_seconds, result.status_code, verdict.failure};
  const TargetState before = state();
  if (ring_.size() < capacity_) {
    ring_.push_back(record);
  } else {
    successes_ -= ring_[next_].success() ? 1 : 0;
    ring_[next_] = record;
  }
  next_ = (next_ + 1) % capacity_;
  successes_ += record.success() ? 1 : 0;
  if (record.success()) last_success_at_ = at;
  const TargetState after = record.success() ? TargetState::up : TargetState::down;
  if (after != before) state_since_ = at;
}

std::vector<ProbeRecord> ProbeHistory::recent() const {
  if (ring_.size() < capacity_) return ring_;
  std::vector<ProbeRecord> ordered;
  ordered.reserve(ring_.size());
  ordered.insert(ordered.end(), ring_.begin() + static_cast<std::ptrdiff_t>(next_), ring_.end());
  ordered.insert(ordered.end(), ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(next_));
  return ordered;
}

std::optional<ProbeRecord> ProbeHistory::last() const {
  if (ring_.empty()) return std::nullopt;
  return ring_[(next_ + capacity_ - 1) % capacity_];
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
