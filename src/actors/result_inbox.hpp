// Probe results on their way from the target actors to the metrics actor. A message for each
// result woke the metrics thread for each probe (1.1 context switches a probe at 10,000 targets
// every 15 s, each ~10 us of kernel time on these cores); gathered here instead, they are taken
// all at once before the metrics actor answers anyone (a scrape, the status page, a new set of
// targets), and whenever a batch has gathered, which bounds what waits here.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "actors/messages.hpp"

namespace epsitter {

class ResultInbox {
 public:
  // Results that wait before the metrics actor is asked to take them: at 10,000 targets every
  // 15 s, a take every ~0.4 s.
  static constexpr std::size_t kBatch = 256;

  // Adds `done`. True for the result that completes a batch: the caller then sends drain_atom
  // to the metrics actor (once per batch, however many arrive before it takes them).
  bool post(ProbeDone done);

  // Every result posted so far, in the order posted.
  std::vector<ProbeDone> take();

  // How many wait.
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<ProbeDone> pending_;
};

}  // namespace epsitter
