// What /metrics serves: every family, rendered once, offered as plain text and as gzip. Immutable,
// so that the scrapes that ask while it is current share it across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/family_selection.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

class Exposition {
 public:
  // Receives a body piece by piece; returns false to stop (the client has gone).
  using Sink = std::function<bool(std::string_view)>;

  // The targets' families: at 10,000 targets tens of MB of text, most of a scrape's work to render
  // and compress. The metrics actor keeps them until a probe result or a change of targets makes
  // them stale, so that the expositions of many scrapes share one rendering.
  class TargetFamilies;
  using TargetFamiliesPtr = std::shared_ptr<const TargetFamilies>;

  // render_exposition's text of `stats`, rendered by up to `threads` threads and compressed as it
  // is rendered, so that it is never held whole (see compressed_exposition.hpp), without the
  // families the config's `metrics:` block switched off.
  static TargetFamiliesPtr render_targets(std::string_view prefix, const StatsByTarget& stats,
                                          const std::vector<double>& duration_bounds,
                                          std::size_t threads,
                                          const FamilySelection& families = {});

  // The targets' families followed by `own_families` (epsitter's own, rendered for this scrape).
  Exposition(TargetFamiliesPtr targets, std::string own_families);
  Exposition(const Exposition&) = delete;
  Exposition& operator=(const Exposition&) = delete;

  // One encoding of the exposition; valid while the Exposition is.
  class Body {
   public:
    std::uint64_t size() const;  // bytes write() hands over: the Content-Length
    // Hands the bytes to `sink` in order, in pieces, copying nothing of MB size; returns false
    // when the sink stopped it.
    bool write(const Sink& sink) const;

   private:
    friend class Exposition;
    Body(const Exposition& exposition, bool gzip) : exposition_(&exposition), gzip_(gzip) {}

    const Exposition* exposition_;
    bool gzip_;
  };

  // The text itself. The targets' part is inflated as it is sent, so a plain scrape holds at most
  // 64 KiB of it at once.
  Body plain() const { return Body{*this, false}; }
  // One gzip member whose middle is the targets' compressed blocks as they are: only the own
  // families are compressed per scrape.
  Body gzip() const { return Body{*this, true}; }

 private:
  TargetFamiliesPtr targets_;
  std::string own_families_;
  std::string gzip_ending_;  // own_families_ compressed, the final block and the gzip trailer
};

using ExpositionPtr = std::shared_ptr<const Exposition>;

}  // namespace epsitter
