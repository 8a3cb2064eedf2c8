// A bound on how many CivetWeb workers one class of requests may hold at once; never waits.
#pragma once

#include <atomic>
#include <optional>

namespace epsitter {

// Taking a slot either succeeds at once or fails at once: a request that waited for one would hold
// the very worker the bound is meant to keep free.
class WorkerBudget {
 public:
  // Gives its slot back when destroyed.
  class Slot {
   public:
    explicit Slot(std::atomic<int>& free) : free_(&free) {}
    Slot(Slot&& other) noexcept : free_(other.free_) { other.free_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        free_ = other.free_;
        other.free_ = nullptr;
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

   private:
    void release() {
      if (free_ != nullptr) free_->fetch_add(1, std::memory_order_acq_rel);
      free_ = nullptr;
    }

    std::atomic<int>* free_;
  };

  explicit WorkerBudget(int slots) : free_(slots) {}
  WorkerBudget(const WorkerBudget&) = delete;
  WorkerBudget& operator=(const WorkerBudget&) = delete;

  // A slot, or nullopt when all are taken. The budget must outlive its slots.
  std::optional<Slot> try_take() {
    int free = free_.load(std::memory_order_acquire);
    while (free > 0) {
      if (free_.compare_exchange_weak(free, free - 1, std::memory_order_acq_rel)) {
        return std::optional<Slot>{std::in_place, free_};
      }
    }
    return std::nullopt;
  }

  int free_slots() const { return free_.load(std::memory_order_acquire); }

 private:
  std::atomic<int> free_;
};

}  // namespace epsitter
