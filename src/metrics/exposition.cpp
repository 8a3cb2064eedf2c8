// What /metrics serves, plain and gzip (see exposition.hpp): the one place that knows the targets'
// families are kept compressed.
#include "metrics/exposition.hpp"

#include <utility>

#include "compress/deflate_pieces.hpp"
#include "metrics/compressed_exposition.hpp"

namespace epsitter {

class Exposition::TargetFamilies {
 public:
  explicit TargetFamilies(DeflatedPiece piece) : piece_(std::move(piece)) {}
  const DeflatedPiece& piece() const { return piece_; }

 private:
  DeflatedPiece piece_;
};

Exposition::TargetFamiliesPtr Exposition::render_targets(std::string_view prefix,
                                                         const StatsByTarget& stats,
                                                         const std::vector<double>& duration_bounds,
                                                         std::size_t threads,
                                                         const FamilySelection& families) {
  return std::make_shared<const TargetFamilies>(
      deflate_exposition(prefix, stats, duration_bounds, threads, families));
}

Exposition::Exposition(TargetFamiliesPtr targets, std::string own_families)
    : targets_(std::move(targets)), own_families_(std::move(own_families)) {
  // Compressed now, whether or not a scraper asks for gzip (Prometheus always does): a few KB,
  // tens of microseconds, and the body stays a plain read of immutable parts.
  gzip_ending_ = gzip_ending(targets_->piece(), {own_families_});
}

std::uint64_t Exposition::Body::size() const {
  const DeflatedPiece& targets = exposition_->targets_->piece();
  if (gzip_) {
    return kGzipHeader.size() + targets.blocks.size() + exposition_->gzip_ending_.size();
  }
  return targets.length + exposition_->own_families_.size();
}

bool Exposition::Body::write(const Sink& sink) const {
  const DeflatedPiece& targets = exposition_->targets_->piece();
  if (gzip_) {
    return sink(kGzipHeader) && sink(targets.blocks) && sink(exposition_->gzip_ending_);
  }
  if (!inflate_piece(targets, sink)) return false;
  const std::string& own = exposition_->own_families_;
  return own.empty() || sink(own);
}

}  // namespace epsitter
