// Probe results on their way to the metrics actor (see result_inbox.hpp).
#include "actors/result_inbox.hpp"

#include <utility>

namespace epsitter {

bool ResultInbox::post(ProbeDone done) {
  const std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back(std::move(done));
  return pending_.size() == kBatch;
}

std::vector<ProbeDone> ResultInbox::take() {
  std::vector<ProbeDone> taken;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(pending_);
  }
  return taken;
}

std::size_t ResultInbox::size() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return pending_.size();
}

}  // namespace epsitter
