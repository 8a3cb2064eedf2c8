// Counts the transfers started in the last moments, which are the ones competing for CPU.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_set>
#include <utility>

namespace epsitter {

// The engine starts a waiting probe only while fewer than `limit` transfers are young (started
// less than `young_for` ago and not finished). Why: with thousands of transfers connecting and
// answering at once, every one costs more (libcurl walks its per-host connection list on each
// close, the kernel searches ports and wakes more sockets), so an engine that admits all it is
// given falls behind and then further behind; measured at 10,000 loopback targets every second,
// 6,600 probes/s with ~7,000 open against 10,000/s when 512 are. A transfer that is still open
// after `young_for` (a hanging or slow target) stops counting: it costs a descriptor, not CPU, so
// however many targets hang, at least limit / young_for probes start per second.
class YoungTransfers {
 public:
  using Clock = std::chrono::steady_clock;

  YoungTransfers(std::size_t limit, Clock::duration young_for);

  bool has_room() const { return young_ < limit_; }
  // A transfer started at `now`; its id must grow with every call.
  void started(std::uint64_t id, Clock::time_point now);
  // A transfer finished (whether young or not).
  void finished(std::uint64_t id);
  // Transfers started `young_for` before `now` no longer count.
  void age(Clock::time_point now);
  // When the oldest counted transfer stops counting (room appears then at the latest).
  std::optional<Clock::time_point> next_aging() const;
  std::size_t young() const { return young_; }
  void clear();

 private:
  std::size_t limit_;
  Clock::duration young_for_;
  std::size_t young_ = 0;
  std::deque<std::pair<Clock::time_point, std::uint64_t>> by_start_;  // oldest first
  std::unordered_set<std::uint64_t> finished_young_;  // in by_start_, already not counted
};

}  // namespace epsitter
