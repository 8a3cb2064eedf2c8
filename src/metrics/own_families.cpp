// epsitter's own families, rendered anew for every scrape (see own_families.hpp).
#include "metrics/own_families.hpp"

#include <utility>

#include "metrics/text_family_writer.hpp"

namespace epsitter {

OwnFamilies::OwnFamilies(std::string prefix, BuildInfo build,
                         const StartDelayHistogram& start_delays, Readers readers)
    : prefix_(std::move(prefix)),
      build_(std::move(build)),
      start_delays_(start_delays),
      readers_(std::move(readers)) {}

std::string OwnFamilies::render() const {
  TextFamilyWriter out;
  write(out);
  out.finish();
  return out.take();
}

void OwnFamilies::write(FamilyWriter& out) const {
  start_delays_.write(out, prefix_);
  write_runtime_metrics(out, prefix_, build_, readers_.reload(), readers_.process());
  write_discovery_metrics(out, prefix_, readers_.discovery());
  write_oauth2_metrics(out, prefix_, readers_.oauth2());
  if (readers_.shard) write_shard_metrics(out, prefix_, readers_.shard());
}

}  // namespace epsitter
