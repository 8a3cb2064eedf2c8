// The status page's view model: what the page and the JSON API show of every target, at one moment.
#include "status/status_snapshot.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

namespace epsitter {

namespace {

// Lower sorts first: what needs a human comes to the top of the page.
int urgency(TargetState state) {
  switch (state) {
    case TargetState::down:
      return 0;
    case TargetState::pending:
      return 1;
    case TargetState::up:
      return 2;
  }
  return 2;
}

TargetStatus status_of(const TargetLabels& labels, const TargetStats& stats) {
  const ProbeHistory& history = stats.history;
  TargetStatus status;
  status.labels = labels;
  status.state = history.state();
  status.probes = stats.probes;
  status.last = history.last();
  status.last_success_at = history.last_success_at();
  status.state_since = history.state_since();
  status.success_ratio = history.success_ratio();
  status.history = history.recent();
  return status;
}

}  // namespace

std::string_view to_string(TargetState state) {
  switch (state) {
    case TargetState::pending:
      return "pending";
    case TargetState::up:
      return "up";
    case TargetState::down:
      return "down";
  }
  return "pending";
}

const TargetStatus* StatusSnapshot::find(std::string_view name) const {
  const auto found = std::find_if(targets.begin(), targets.end(),
                                  [name](const TargetStatus& t) { return t.labels.name == name; });
  return found == targets.end() ? nullptr : &*found;
}

StateCounts count_states(TargetStatusIt begin, TargetStatusIt end) {
  StateCounts counts;
  for (auto it = begin; it != end; ++it) {
    (it->state == TargetState::down ? counts.down
     : it->state == TargetState::up ? counts.up
                                    : counts.pending) += 1;
  }
  return counts;
}

StatusSnapshot make_status_snapshot(const StatsByTarget& stats) {
  StatusSnapshot snapshot;
  snapshot.targets.reserve(stats.size());
  std::map<std::string, int> namespace_urgency;
  for (const auto& [labels, seen] : stats) {
    snapshot.targets.push_back(status_of(labels, seen));
    snapshot.history_capacity = seen.history.capacity();
    auto [it, added] = namespace_urgency.try_emplace(labels.namespace_, 2);
    it->second = std::min(it->second, urgency(snapshot.targets.back().state));
  }
  std::sort(snapshot.targets.begin(), snapshot.targets.end(),
            [&namespace_urgency](const TargetStatus& a, const TargetStatus& b) {
              const auto& ns_a = a.labels.namespace_;
              const auto& ns_b = b.labels.namespace_;
              return std::make_tuple(namespace_urgency.at(ns_a), std::cref(ns_a), urgency(a.state),
                                     std::cref(a.labels.name)) <
                     std::make_tuple(namespace_urgency.at(ns_b), std::cref(ns_b), urgency(b.state),
                                     std::cref(b.labels.name));
            });
  return snapshot;
}

}  // namespace epsitter
