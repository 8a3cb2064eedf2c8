// epsitter's own families, rendered anew for every scrape (see own_families.hpp).
#include "metrics/own_families.hpp"

#include <utility>

namespace epsitter {

OwnFamilies::OwnFamilies(std::string prefix, BuildInfo build,
                         const StartDelayHistogram& start_delays, Readers readers)
    : prefix_(std::move(prefix)),
      build_(std::move(build)),
      start_delays_(start_delays),
      readers_(std::move(readers)) {}

std::string OwnFamilies::render() const {
  std::string text = start_delays_.render(prefix_);
  text += render_runtime_metrics(prefix_, build_, readers_.reload(), readers_.process());
  text += render_discovery_metrics(prefix_, readers_.discovery());
  text += render_oauth2_metrics(prefix_, readers_.oauth2());
  if (readers_.shard) text += render_shard_metrics(prefix_, readers_.shard());
  return text;
}

}  // namespace epsitter
