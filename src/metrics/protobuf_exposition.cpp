// What /metrics serves a scraper that asked for Prometheus' protobuf format (see
// protobuf_exposition.hpp).
#include "metrics/protobuf_exposition.hpp"

#include "metrics/own_families.hpp"
#include "metrics/protobuf_family_writer.hpp"
#include "metrics/render.hpp"

namespace epsitter {

const DeflatedPiece& ProtobufTargets::deflated() const {
  std::call_once(deflated_once_, [this] {
    PieceDeflater deflater;
    deflater.add(bytes_);
    deflated_ = deflater.finish();
  });
  return deflated_;
}

std::string render_protobuf_targets(std::string_view prefix, const StatsByTarget& stats,
                                    const std::vector<double>& duration_bounds,
                                    std::size_t expected_bytes,
                                    const FamilySelection& families) {
  // About 2 KB a target (bench/scrape_cost.py: 20.8 MB at 10,000 with short labels).
  constexpr std::size_t kBytesPerTarget = 2048;
  if (expected_bytes == 0) expected_bytes = stats.size() * kBytesPerTarget;
  std::string bytes;
  bytes.reserve(expected_bytes + expected_bytes / 16);  // room for a few more series
  ProtobufFamilyWriter out{bytes};
  render_families(prefix, stats, duration_bounds, out, families);
  out.finish();
  return bytes;
}

std::string render_protobuf_own(const OwnFamilies& own) {
  std::string bytes;
  ProtobufFamilyWriter out{bytes};
  own.write(out);
  out.finish();
  return bytes;
}

}  // namespace epsitter
