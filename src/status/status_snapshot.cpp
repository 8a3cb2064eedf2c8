// The status page's view model: what the page and the JSON API show of every target, at one moment.
#include "status/status_snapshot.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <string>
#include <string_view>

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

// "svc-2" before "svc-10": runs of digits compare as numbers, the rest byte by byte.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      const std::size_t a_start = a.find_first_not_of('0', i);
      const std::size_t b_start = b.find_first_not_of('0', j);
      std::size_t a_end = i;
      std::size_t b_end = j;
      while (a_end < a.size() && digit(a[a_end])) ++a_end;
      while (b_end < b.size() && digit(b[b_end])) ++b_end;
      // Leading zeros aside, a longer run is a bigger number; equal lengths compare as text.
      const std::size_t a_from = std::min(a_start, a_end);
      const std::size_t b_from = std::min(b_start, b_end);
      const std::string_view a_num(a.data() + a_from, a_end - a_from);
      const std::string_view b_num(b.data() + b_from, b_end - b_from);
      if (a_num.size() != b_num.size()) return a_num.size() < b_num.size();
      if (a_num != b_num) return a_num < b_num;
      i = a_end;
      j = b_end;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  const bool a_done = i == a.size();
  const bool b_done = j == b.size();
  if (a_done != b_done) return a_done;  // a prefix sorts first
  return a < b;                         // equal but for leading zeros: any fixed order will do
}

// Lexicographic over (namespace urgency, namespace, target urgency, name), names compared
// naturally.
struct DisplayOrder {
  const std::map<std::string, int>& namespace_urgency;

  bool operator()(const TargetStatus& a, const TargetStatus& b) const {
    const auto& ns_a = a.labels.namespace_;
    const auto& ns_b = b.labels.namespace_;
    const int nu_a = namespace_urgency.at(ns_a);
    const int nu_b = namespace_urgency.at(ns_b);
    if (nu_a != nu_b) return nu_a < nu_b;
    if (ns_a != ns_b) return natural_less(ns_a, ns_b);
    if (urgency(a.state) != urgency(b.state)) return urgency(a.state) < urgency(b.state);
    return natural_less(a.labels.name, b.labels.name);
  }
};

TargetStatus status_of(const TargetLabels& labels, const TargetStats& stats) {
  const ProbeHistory& history = stats.history;
  TargetStatus status;
  status.labels = labels;
  status.source = stats.source;
  status.state = history.state();
  status.probes = stats.probes;
  status.last = history.last();
  status.last_success_at = history.last_success_at();
  status.state_since = history.state_since();
  status.success_ratio = history.success_ratio();
  status.history = history.recent();
  if (stats.last && stats.last->cert) {
    const CertFacts& cert = *stats.last->cert;
    const auto at = [](std::int64_t unix_seconds) {
      return WallClock::from_time_t(static_cast<std::time_t>(unix_seconds));
    };
    if (cert.chain_not_after) status.cert_expires_at = at(*cert.chain_not_after);
    if (cert.leaf_not_after) status.cert_leaf_expires_at = at(*cert.leaf_not_after);
    status.cert_subject = cert.subject;
    status.cert_issuer = cert.issuer;
  }
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
  std::sort(snapshot.targets.begin(), snapshot.targets.end(), DisplayOrder{namespace_urgency});
  return snapshot;
}

}  // namespace epsitter
