// Renders the families about epsitter itself: build info, config reload outcome, process_*.
#pragma once

#include <string>
#include <string_view>

#include "metrics/process_stats.hpp"

namespace epsitter {

class FamilyWriter;

struct BuildInfo {
  std::string version;
  std::string revision;
  int shard_index = 0;  // which replica this is, of shard_count (SHARD_INDEX, SHARD_COUNT)
  int shard_count = 1;
};

// The outcome of the last config load, as Prometheus and blackbox_exporter expose theirs.
struct ReloadGauges {
  bool last_successful = false;
  double last_success_unix_seconds = 0;  // 0: never
};

// `prefix`_build_info, `prefix`_config_last_reload_*, then the unprefixed process_* families.
std::string render_runtime_metrics(std::string_view prefix, const BuildInfo& build,
                                   const ReloadGauges& reload, const ProcessStats& process);
// The same families in any format.
void write_runtime_metrics(FamilyWriter& out, std::string_view prefix, const BuildInfo& build,
                           const ReloadGauges& reload, const ProcessStats& process);

}  // namespace epsitter
