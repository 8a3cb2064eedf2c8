// Renders every target's stats as the exposition text served on /metrics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/target_stats.hpp"

namespace epsitter {

// Metric names are `prefix` + "_request_time" etc. The original tool's families come first,
// unchanged; `duration_bounds` are the upper bounds of the request duration histogram.
std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds);

}  // namespace epsitter
