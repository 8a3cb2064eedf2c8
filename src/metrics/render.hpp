// Renders every target's stats as the exposition text served on /metrics.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/target_stats.hpp"

namespace epsitter {

// Metric names are `prefix` + "_request_time" etc. The original tool's families come first,
// unchanged; `duration_bounds` are the upper bounds of the request duration histogram.
std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds);

// The same text handed to `chunk` piece by piece (each ends at a line end), without ever holding
// all of it: for compressing the exposition of many targets as it is written.
void render_exposition_chunks(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds,
                              const std::function<void(std::string_view)>& chunk);

}  // namespace epsitter
