// The targets' exposition rendered and compressed on several threads at once: at 10,000 targets
// it is tens of MB of text, and one thread takes most of a scrape's time to deflate it. Part of
// Exposition's implementation (see exposition.hpp), which alone serves the result.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "metrics/family_selection.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

// Below this many targets per thread, starting a thread costs more than it saves.
inline constexpr std::size_t kTargetsPerThread = 1000;

// render_exposition's text as one deflate run. Up to `threads` threads (this one and helpers)
// each render and compress a run of the targets; a thread gets at least kTargetsPerThread
// targets, so small configurations stay on this thread. `families` as render_exposition's.
DeflatedPiece deflate_exposition(std::string_view prefix, const StatsByTarget& stats,
                                 const std::vector<double>& duration_bounds, std::size_t threads,
                                 const FamilySelection& families = {});

}  // namespace epsitter
