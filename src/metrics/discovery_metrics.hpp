// Renders the families about where targets come from: discovery (targets per source, errors, last
// sync) and sharding (the targets this replica probes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace epsitter {

class FamilyWriter;

struct DiscoveryGauges {
  std::map<std::string, std::size_t>
      targets_by_source;  // "file", "service", "ingress" always shown
  std::uint64_t api_errors = 0;
  std::uint64_t object_errors = 0;
  std::uint64_t policy_errors = 0;
  double last_sync_unix_seconds = 0;  // 0: never
  std::size_t shard_targets = 0;
};

// `prefix`_discovery_targets{source}, `prefix`_discovery_errors_total{reason},
// `prefix`_discovery_last_sync_timestamp_seconds, `prefix`_shard_targets.
std::string render_discovery_metrics(std::string_view prefix, const DiscoveryGauges& gauges);
// The same families in any format.
void write_discovery_metrics(FamilyWriter& out, std::string_view prefix,
                             const DiscoveryGauges& gauges);

}  // namespace epsitter
