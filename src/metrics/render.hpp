// Renders every target's stats as the exposition text served on /metrics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition_writer.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

// Metric names are `prefix` + "_request_time" etc. The original tool's families come first,
// unchanged; `duration_bounds` are the upper bounds of the request duration histogram.
std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds);

// The rows of the targets from `first` to `last` (a run of `stats` in its order), family by
// family, without ever holding the whole text (tens of MB at 10,000 targets). Consecutive runs
// cover `stats`; their texts joined family by family (every run's first family, then every run's
// second, ...) are render_exposition's text, so that runs can be rendered on several threads.
// `output.headers` is for the first run only.
void render_exposition_slice(std::string_view prefix, StatsByTarget::const_iterator first,
                             StatsByTarget::const_iterator last,
                             const std::vector<double>& duration_bounds,
                             ExpositionWriter::Chunked output);

}  // namespace epsitter
