// A bound on the CPU that password checks may burn, whatever an attacker sends.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace epsitter {

// Every wrong password costs a full bcrypt run (the cache in basic_auth.hpp only spares repeated
// right ones), so a flood of them could take all CPU from the probes. Checks run at most
// `concurrent` at once and, over time, on at most `share` of one core: a bucket of CPU time,
// refilled by `share` seconds per second up to `burst`, pays for each check's measured duration.
// A check that finds the budget spent is not run and not queued: the request is answered 503 at
// once, which holds no worker.
class VerificationBudget {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Limits {
    int concurrent = 2;                     // Prometheus' HA pair checking in at the same moment
    double share = 0.25;                    // of one core, on average
    std::chrono::milliseconds burst{2000};  // about 40 checks at cost 10, 10 at cost 12
  };

  // Ends the check: its duration is paid from the bucket.
  class Ticket {
   public:
    Ticket(VerificationBudget& budget, std::chrono::steady_clock::time_point started)
        : budget_(&budget), started_(started) {}
    Ticket(Ticket&& other) noexcept : budget_(other.budget_), started_(other.started_) {
      other.budget_ = nullptr;
    }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() {
      if (budget_ != nullptr) budget_->finish(started_);
    }

   private:
    VerificationBudget* budget_;
    std::chrono::steady_clock::time_point started_;
  };

  VerificationBudget(Limits limits, Clock now);
  VerificationBudget(const VerificationBudget&) = delete;
  VerificationBudget& operator=(const VerificationBudget&) = delete;

  // A ticket to run one check now, or nullopt when too many run or the bucket is empty.
  std::optional<Ticket> try_start();

 private:
  using Seconds = std::chrono::duration<double>;
  void refill(std::chrono::steady_clock::time_point now);  // with mutex_ held
  void finish(std::chrono::steady_clock::time_point started);

  const Limits limits_;
  const Clock now_;
  std::mutex mutex_;
  int running_ = 0;
  Seconds balance_;
  std::chrono::steady_clock::time_point refilled_at_;
};

}  // namespace epsitter
