// The status page's view model: what the page and the JSON API show of every target, at one moment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/target.hpp"
#include "metrics/probe_history.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

// Everything shown of one target. A new field goes here, then into status_json.cpp and
// status_page.cpp; nothing else needs to change.
struct TargetStatus {
  TargetLabels labels;          // the URL is already without userinfo
  std::string source = "file";  // file, service or ingress (Kubernetes discovery)
  TargetState state = TargetState::pending;
  std::uint64_t probes = 0;  // every finished probe since the target was configured
  std::optional<ProbeRecord> last;
  std::optional<WallClock::time_point> last_success_at;
  std::optional<WallClock::time_point> state_since;      // unset while pending
  std::optional<double> success_ratio;                   // over `history`
  std::optional<WallClock::time_point> cert_expires_at;  // the served chain's first notAfter
  // The served leaf certificate, also when its verification failed; empty strings and unset
  // when the last probe saw none.
  std::string cert_subject;
  std::string cert_issuer;
  std::optional<WallClock::time_point> cert_leaf_expires_at;
  std::vector<ProbeRecord> history;                      // oldest first
};

struct StatusSnapshot {
  // Display order: namespaces holding a down target first, then those with a pending one, then
  // the rest, each by name; inside a namespace down, pending, up, then by name.
  std::vector<TargetStatus> targets;
  std::size_t history_capacity = ProbeHistory::kDefaultCapacity;

  // The target with this name, or nullptr (names are unique in a config).
  const TargetStatus* find(std::string_view name) const;
};

// How many targets are in each state.
struct StateCounts {
  std::size_t down = 0;
  std::size_t pending = 0;
  std::size_t up = 0;

  std::size_t total() const { return down + pending + up; }
};

using TargetStatusIt = std::vector<TargetStatus>::const_iterator;
StateCounts count_states(TargetStatusIt begin, TargetStatusIt end);

using StatusSnapshotPtr = std::shared_ptr<const StatusSnapshot>;

StatusSnapshot make_status_snapshot(const StatsByTarget& stats);

std::string_view to_string(TargetState state);

}  // namespace epsitter
