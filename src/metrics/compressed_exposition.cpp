// The targets' exposition rendered and compressed on several threads at once.
#include "metrics/compressed_exposition.hpp"

#include <algorithm>
#include <future>
#include <iterator>
#include <stdexcept>

#include "metrics/render.hpp"

namespace epsitter {

namespace {

using Families = std::vector<DeflatedPiece>;  // one run per family, in family order

// One run of targets, each family compressed on its own so that the runs of several threads can
// be interleaved family by family.
Families deflate_slice(std::string_view prefix, StatsByTarget::const_iterator first,
                       StatsByTarget::const_iterator last,
                       const std::vector<double>& duration_bounds, bool headers,
                       const FamilySelection& families) {
  constexpr std::size_t kChunkBytes = 256 * 1024;  // big enough to compress well
  PieceDeflater deflater;
  Families rendered;
  render_exposition_slice(prefix, first, last, duration_bounds,
                          {[&deflater](std::string_view chunk) { deflater.add(chunk); },
                           kChunkBytes, [&] { rendered.push_back(deflater.finish()); }, headers},
                          families);
  return rendered;
}

DeflatedPiece interleave(const std::vector<Families>& slices) {
  std::size_t bytes = 0;
  for (const Families& slice : slices) {
    if (slice.size() != slices.front().size()) {
      throw std::logic_error("exposition slices disagree on their families");
    }
    for (const DeflatedPiece& family : slice) bytes += family.blocks.size();
  }
  DeflatedPiece joined;
  joined.blocks.reserve(bytes);
  for (std::size_t family = 0; family < slices.front().size(); ++family) {
    for (const Families& slice : slices) append_piece(joined, slice[family]);
  }
  return joined;
}

}  // namespace

DeflatedPiece deflate_exposition(std::string_view prefix, const StatsByTarget& stats,
                                 const std::vector<double>& duration_bounds, std::size_t threads,
                                 const FamilySelection& families) {
  const std::size_t count = std::clamp<std::size_t>(stats.size() / kTargetsPerThread, 1,
                                                    std::max<std::size_t>(1, threads));
  // count + 1 cuts: every run as long as the others, the last one taking the remainder.
  std::vector<StatsByTarget::const_iterator> cuts{stats.begin()};
  for (std::size_t i = 1; i < count; ++i) {
    cuts.push_back(std::next(cuts.back(), static_cast<std::ptrdiff_t>(stats.size() / count)));
  }
  cuts.push_back(stats.end());

  // The helpers only read `stats`: the caller (the metrics actor) changes nothing until this
  // returns, and a future's destructor waits for its thread even when this one throws.
  std::vector<std::future<Families>> helpers;
  for (std::size_t i = 1; i < count; ++i) {
    helpers.push_back(std::async(std::launch::async, deflate_slice, prefix, cuts[i], cuts[i + 1],
                                 std::cref(duration_bounds), false, std::cref(families)));
  }
  std::vector<Families> slices;
  slices.push_back(deflate_slice(prefix, cuts[0], cuts[1], duration_bounds, true, families));
  for (auto& helper : helpers) slices.push_back(helper.get());
  return interleave(slices);
}

}  // namespace epsitter
