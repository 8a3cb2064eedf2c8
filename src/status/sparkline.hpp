// The latency sparkline of a target's recent probes, as a small inline SVG.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "metrics/probe_history.hpp"

namespace epsitter {

// Appends an <svg> of `capacity` columns, newest probe at the right edge: a line through the
// latencies of probes that got a response (scaled to the slowest of them) and a red bar for every
// failed probe. Appends nothing for an empty history.
void append_sparkline(std::string& out, const std::vector<ProbeRecord>& history,
                      std::size_t capacity);

}  // namespace epsitter
