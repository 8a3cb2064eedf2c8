// Counters discovery keeps for sitter_discovery_*: written by the watch threads, read at scrape
// time. Owned by main(), so that they survive a discovery restarted by a config reload.
#pragma once

#include <atomic>
#include <cstdint>

namespace epsitter {

struct DiscoveryStats {
  // API requests that failed, answered with an error, or streams that broke.
  std::atomic<std::uint64_t> api_errors{0};
  // Annotated objects skipped for a bad annotation or a malformed shape.
  std::atomic<std::uint64_t> object_errors{0};
  // Annotated objects the admin's rules refused (kubernetes.allowed_*, caps, profiles).
  std::atomic<std::uint64_t> policy_errors{0};
  // Unix time discovery last knew the cluster's objects to be current: a list completed or a
  // watch event (a bookmark included) arrived. 0: never.
  std::atomic<double> last_sync_unix_seconds{0};
};

}  // namespace epsitter
