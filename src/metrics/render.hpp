// Renders every target's stats as the exposition text served on /metrics.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition_writer.hpp"
#include "metrics/family_selection.hpp"
#include "metrics/family_writer.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

// Metric names are `prefix` + "_request_time" etc. The original tool's families come first,
// unchanged; `duration_bounds` are the upper bounds of the request duration histogram. `families`
// leaves out what the config's `metrics:` block switched off.
std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds,
                              const FamilySelection& families = {});

// Where render_exposition_slice hands a run of targets' text: what rendering on several threads
// needs to join the runs family by family.
struct SliceOutput {
  ExpositionWriter::Sink sink;  // receives the text in chunks of about `chunk_bytes`
  std::size_t chunk_bytes;      // each chunk ends at a line end
  // Optional: called at the end of each family, once its last text has gone to `sink`, so that
  // the caller can cut the text there.
  std::function<void()> family_ended;
  // False leaves the HELP and TYPE lines out: for a run after the first, whose families the first
  // run's lines announce.
  bool headers = true;
};

// The rows of the targets from `first` to `last` (a run of `stats` in its order), family by
// family, without ever holding the whole text (tens of MB at 10,000 targets). Consecutive runs
// cover `stats`; their texts joined family by family (every run's first family, then every run's
// second, ...) are render_exposition's text, so that runs can be rendered on several threads.
void render_exposition_slice(std::string_view prefix, StatsByTarget::const_iterator first,
                             StatsByTarget::const_iterator last,
                             const std::vector<double>& duration_bounds, SliceOutput output,
                             const FamilySelection& families = {});

// The same families written to any format (the protobuf exposition renders through this);
// the caller finishes `out`.
void render_families(std::string_view prefix, const StatsByTarget& stats,
                     const std::vector<double>& duration_bounds, FamilyWriter& out,
                     const FamilySelection& families = {});

}  // namespace epsitter
