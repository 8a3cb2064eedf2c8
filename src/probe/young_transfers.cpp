// Counts young transfers (see young_transfers.hpp).
#include "probe/young_transfers.hpp"

namespace epsitter {

YoungTransfers::YoungTransfers(std::size_t limit, Clock::duration young_for)
    : limit_(limit == 0 ? 1 : limit), young_for_(young_for) {}

void YoungTransfers::started(std::uint64_t id, Clock::time_point now) {
  by_start_.emplace_back(now, id);
  ++young_;
}

void YoungTransfers::finished(std::uint64_t id) {
  // Ids grow in start order, so a transfer is still listed exactly when its id is not below the
  // oldest listed one.
  if (by_start_.empty() || id < by_start_.front().second) return;
  if (finished_young_.insert(id).second) --young_;
  // Drop finished entries from the front, which keeps the set as small as the young window.
  while (!by_start_.empty() && finished_young_.erase(by_start_.front().second) == 1) {
    by_start_.pop_front();
  }
}

void YoungTransfers::age(Clock::time_point now) {
  while (!by_start_.empty() && by_start_.front().first + young_for_ <= now) {
    if (finished_young_.erase(by_start_.front().second) == 0) --young_;
    by_start_.pop_front();
  }
}

std::optional<YoungTransfers::Clock::time_point> YoungTransfers::next_aging() const {
  if (by_start_.empty()) return std::nullopt;
  return by_start_.front().first + young_for_;
}

void YoungTransfers::clear() {
  by_start_.clear();
  finished_young_.clear();
  young_ = 0;
}

}  // namespace epsitter
