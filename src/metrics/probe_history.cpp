// The last probes of one target (a bounded ring) and the up/down state they add up to.
#include "metrics/probe_history.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace epsitter {

ProbeHistory::ProbeHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

namespace {

// A slot's `packed` word, low bits first.
constexpr unsigned kDurationBits = 17;
constexpr unsigned kStatusBits = 10;
constexpr std::uint32_t kDurationMask = (1U << kDurationBits) - 1;
constexpr std::uint32_t kStatusMask = (1U << kStatusBits) - 1;
static_assert(kAllFailureReasons.size() + 1 < (1U << (32 - kDurationBits - kStatusBits)));

// A duration as a 14-bit mantissa times a power of ten (3 bits) of microseconds: exact below
// 16.383 ms and for round figures (a 5 s timeout stays 5 s), else within 1/3276 of itself (0.3 ms
// at one second), up to 45 hours. The history feeds a sparkline and the JSON API; the last probe's
// gauges keep the exact figure.
constexpr unsigned kMantissaBits = 14;
constexpr std::uint64_t kMantissaLimit = std::uint64_t{1} << kMantissaBits;
constexpr unsigned kMaxExponent = (1U << (kDurationBits - kMantissaBits)) - 1;
constexpr std::array<std::uint64_t, kMaxExponent + 1> kPowersOfTen{
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000};

std::uint32_t pack_duration(double seconds) {
  const double largest = static_cast<double>((kMantissaLimit - 1) * kPowersOfTen[kMaxExponent]);
  const auto micros =
      static_cast<std::uint64_t>(std::min(std::round(std::max(seconds, 0.0) * 1e6), largest));
  for (unsigned exponent = 0; exponent <= kMaxExponent; ++exponent) {
    const std::uint64_t unit = kPowersOfTen[exponent];
    const std::uint64_t mantissa = (micros + unit / 2) / unit;  // rounded to nearest
    if (mantissa < kMantissaLimit) {
      return static_cast<std::uint32_t>(exponent << kMantissaBits) |
             static_cast<std::uint32_t>(mantissa);
    }
  }
  return kDurationMask;  // rounding up past the largest: keep the largest
}

double unpack_duration(std::uint32_t packed) {
  const std::uint64_t mantissa = packed & (kMantissaLimit - 1);
  const unsigned exponent = (packed & kDurationMask) >> kMantissaBits;
  return static_cast<double>(mantissa * kPowersOfTen[exponent]) / 1e6;
}

// FailureReason + 1, or 0 for a success.
std::uint32_t failure_bits(std::uint32_t packed) {
  return packed >> (kDurationBits + kStatusBits);
}

std::int64_t unix_ms(WallClock::time_point at) {
  return std::chrono::floor<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

ProbeHistory::Slot ProbeHistory::pack(const ProbeRecord& record) const {
  const std::int64_t offset = unix_ms(record.at) - base_ms_;
  Slot slot;
  slot.at_ms = static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(offset, 0, std::numeric_limits<std::uint32_t>::max()));
  const auto status = static_cast<std::uint32_t>(std::clamp(record.status_code, 0, 999));
  const std::uint32_t failure =
      record.failure ? static_cast<std::uint32_t>(static_cast<int>(*record.failure) + 1) : 0;
  slot.packed = pack_duration(record.duration_seconds) | (status << kDurationBits) |
                (failure << (kDurationBits + kStatusBits));
  return slot;
}

ProbeRecord ProbeHistory::unpack(const Slot& slot) const {
  ProbeRecord record;
  record.at = WallClock::time_point{std::chrono::duration_cast<WallClock::duration>(
      std::chrono::milliseconds(base_ms_ + slot.at_ms))};
  record.duration_seconds = unpack_duration(slot.packed);
  record.status_code = static_cast<int>((slot.packed >> kDurationBits) & kStatusMask);
  const std::uint32_t failure = failure_bits(slot.packed);
  if (failure != 0) record.failure = static_cast<FailureReason>(failure - 1);
  return record;
}

bool ProbeHistory::succeeded(const Slot& slot) {
  return failure_bits(slot.packed) == 0;
}

// Offsets hold 49.7 days of milliseconds. The base moves on the first probe, when the wall clock
// steps back before it, and when a probe comes more than 49.7 days after it: to the oldest kept
// probe, or as far as the newest needs (a ring spanning more than 49.7 days, of a target probed
// less than every 10 hours, then shows its oldest probes at the base).
void ProbeHistory::rebase(std::int64_t at_ms) {
  std::vector<ProbeRecord> kept = recent();
  std::int64_t lowest = at_ms;
  std::int64_t highest = at_ms;
  for (const ProbeRecord& record : kept) {
    lowest = std::min(lowest, unix_ms(record.at));
    highest = std::max(highest, unix_ms(record.at));
  }
  const auto range = static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max());
  base_ms_ = std::max(lowest, highest - range);
  const std::size_t oldest = ring_.size() < capacity_ ? 0 : next_;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    ring_[(oldest + i) % ring_.size()] = pack(kept[i]);
  }
}

void ProbeHistory::record(const ProbeResult& result, const Verdict& verdict,
                          WallClock::time_point at) {
  const std::int64_t at_ms = unix_ms(at);
  const std::int64_t offset = at_ms - base_ms_;
  if (ring_.empty() || offset < 0 || offset > std::numeric_limits<std::uint32_t>::max()) {
    rebase(at_ms);
  }
  const Slot slot = pack({at, result.duration_seconds, result.status_code, verdict.failure});
  const TargetState before = state();
  if (ring_.size() < capacity_) {
    if (ring_.empty()) ring_.reserve(capacity_);  // exactly, not a doubling past it
    ring_.push_back(slot);
  } else {
    successes_ -= succeeded(ring_[next_]) ? 1 : 0;
    ring_[next_] = slot;
  }
  next_ = (next_ + 1) % capacity_;
  successes_ += succeeded(slot) ? 1 : 0;
  if (succeeded(slot)) last_success_at_ = at;
  const TargetState after = succeeded(slot) ? TargetState::up : TargetState::down;
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
