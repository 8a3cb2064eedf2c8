// Renders every target's stats as the exposition text served on /metrics.
#pragma once

#include <string>
#include <string_view>

#include "metrics/target_stats.hpp"

namespace epsitter {

// Metric names are `prefix` + "_request_time" etc., compatible with the original Python tool.
std::string render_exposition(std::string_view prefix, const StatsByTarget& stats);

}  // namespace epsitter
