// Due times of many sleepers, woken together per granule: the HTTP engine's schedule of target
// slots (HttpEngine::submit_at), kept apart from it so that it can be unit-tested.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace epsitter {

template <class Sleeper, class Clock = std::chrono::steady_clock>
class AlarmQueue {
 public:
  using time_point = typename Clock::time_point;
  using duration = typename Clock::duration;

  explicit AlarmQueue(duration granule)
      : granule_(granule > duration::zero() ? granule : duration{1}) {}

  void add(time_point due, Sleeper sleeper) {
    heap_.push_back(Entry{due, next_sequence_++, std::move(sleeper)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  // Removes and returns every sleeper due at or before `now`: earliest first, and in the order
  // they were added when due at the same time.
  std::vector<Sleeper> take_due(time_point now) {
    std::vector<Sleeper> due;
    while (!heap_.empty() && heap_.front().due <= now) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});  // the earliest moves to the back
      due.push_back(std::move(heap_.back().sleeper));
      heap_.pop_back();
    }
    return due;
  }

  // When to wake up next: the earliest due time rounded up to a whole granule (counted from the
  // clock's epoch), so that every sleeper due within one granule shares one wake-up. Nobody is
  // woken early; nobody is woken more than one granule late.
  std::optional<time_point> next_wakeup() const {
    if (heap_.empty()) return std::nullopt;
    const duration since_epoch = heap_.front().due.time_since_epoch();
    duration rounded = since_epoch / granule_ * granule_;
    if (rounded < since_epoch) rounded += granule_;
    return time_point{rounded};
  }

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }

 private:
  struct Entry {
    time_point due;
    std::uint64_t sequence;  // ties keep the order of add()
    Sleeper sleeper;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.due != b.due ? a.due > b.due : a.sequence > b.sequence;
    }
  };

  duration granule_;
  std::uint64_t next_sequence_ = 0;
  std::vector<Entry> heap_;  // a binary heap (std::push_heap), earliest due time in front
};

}  // namespace epsitter
