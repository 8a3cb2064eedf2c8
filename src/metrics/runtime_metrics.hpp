// Renders the families about epsitter itself: build info, config reload outcome, process_*.
#pragma once

#include <string>
#include <string_view>

#include "metrics/process_stats.hpp"

namespace epsitter {

struct BuildInfo {
  std::string version;
  std::string revision;
};

// The outcome of the last config load, as Prometheus and blackbox_exporter expose theirs.
struct ReloadGauges {
  bool last_successful = false;
  double last_success_unix_seconds = 0;  // 0: never
};

// `prefix`_build_info, `prefix`_config_last_reload_*, then the unprefixed process_* families.
std::string render_runtime_metrics(std::string_view prefix, const BuildInfo& build,
                                   const ReloadGauges& reload, const ProcessStats& process);

}  // namespace epsitter
