// A bound on the CPU that password checks may burn, whatever an attacker sends.
#include "web/verification_budget.hpp"

#include <algorithm>
#include <utility>

namespace epsitter {

VerificationBudget::VerificationBudget(Limits limits, Clock now)
    : limits_(limits), now_(std::move(now)), balance_(limits.burst), refilled_at_(now_()) {}

void VerificationBudget::refill(std::chrono::steady_clock::time_point now) {
  const Seconds elapsed = now - refilled_at_;
  refilled_at_ = now;
  balance_ = std::min<Seconds>(balance_ + elapsed * limits_.share, limits_.burst);
}

std::optional<VerificationBudget::Ticket> VerificationBudget::try_start() {
  const auto now = now_();
  const std::lock_guard<std::mutex> lock(mutex_);
  refill(now);
  if (running_ >= limits_.concurrent || balance_ <= Seconds::zero()) return std::nullopt;
  ++running_;
  return std::optional<Ticket>{std::in_place, *this, now};
}

// A check is paid when it ends, so the bucket may go below zero: the next checks wait until it
// has refilled, and the average share holds.
void VerificationBudget::finish(std::chrono::steady_clock::time_point started) {
  const auto now = now_();
  const std::lock_guard<std::mutex> lock(mutex_);
  refill(now);
  balance_ -= Seconds(now - started);
  --running_;
}

}  // namespace epsitter
