// What /metrics serves a scraper that asked for Prometheus' protobuf format (see
// protobuf_exposition.hpp).
#include "metrics/protobuf_exposition.hpp"

#include "metrics/own_families.hpp"
#include "metrics/protobuf_family_writer.hpp"
#include "metrics/render.hpp"

namespace epsitter {

std::string render_protobuf_targets(std::string_view prefix, const StatsByTarget& stats,
                                    const std::vector<double>& duration_bounds) {
  std::string bytes;
  ProtobufFamilyWriter out{bytes};
  render_families(prefix, stats, duration_bounds, out);
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
