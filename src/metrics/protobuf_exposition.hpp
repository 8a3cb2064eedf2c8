// What /metrics serves a scraper that asked for Prometheus' protobuf format: every family as
// delimited io.prometheus.client.MetricFamily messages, the target histograms with their native
// (sparse exponential) buckets beside the classic ones. The metrics actor keeps the targets' part
// as it keeps the text's (actors/render_cache.hpp).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "metrics/family_selection.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

class OwnFamilies;

// The Content-Type of the body, as client_golang names it.
inline constexpr const char* kProtobufContentType =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
    "encoding=delimited";

// The targets' families as the metrics actor rendered them, shared by every scrape until stale.
// Their compressed form is made by the first scrape that asks for gzip and shared by the others:
// compressing ~20 MB (10,000 targets) for each scrape would let a client that asks without pause
// keep a CivetWeb thread busy.
class ProtobufTargets {
 public:
  explicit ProtobufTargets(std::string bytes) : bytes_(std::move(bytes)) {}

  const std::string& bytes() const { return bytes_; }
  // Thread-safe; compressed at the first call. Throws std::runtime_error if the compressor fails
  // (a later call tries again).
  const DeflatedPiece& deflated() const;

 private:
  std::string bytes_;
  mutable std::once_flag deflated_once_;
  mutable DeflatedPiece deflated_;
};

struct ProtobufExposition {
  std::shared_ptr<const ProtobufTargets> targets;  // from the metrics actor
  std::string own;                                 // epsitter's own, rendered for this scrape
};

// The targets' families, in the order of the text exposition. `expected_bytes` (the last
// rendering's size; 0: estimated from the number of targets) is reserved up front: 20 MB at
// 10,000 targets, which growing by doubling would hold twice over while it copies. `families`
// leaves out what the `metrics:` block switched off, and the histogram's parts its form omits.
std::string render_protobuf_targets(std::string_view prefix, const StatsByTarget& stats,
                                    const std::vector<double>& duration_bounds,
                                    std::size_t expected_bytes = 0,
                                    const FamilySelection& families = {});
// epsitter's own families.
std::string render_protobuf_own(const OwnFamilies& own);

}  // namespace epsitter
