// Renders the families of membership sharding (SHARD_MODE=lease).
#include "metrics/shard_metrics.hpp"

#include "metrics/text_family_writer.hpp"

namespace epsitter {

std::string render_shard_metrics(std::string_view prefix, const ShardGauges& gauges) {
  TextFamilyWriter out;
  write_shard_metrics(out, prefix, gauges);
  return out.take();
}

void write_shard_metrics(FamilyWriter& out, std::string_view prefix, const ShardGauges& gauges) {
  const std::string p{prefix};

  const std::string members = p + "_shard_members";
  out.family(members,
             "Live members of the shard group this replica sees (Leases renewed within their "
             "duration), itself included while its own Lease is current.",
             MetricType::gauge);
  out.sample(members, {}, static_cast<double>(gauges.members));

  const std::string changes = p + "_shard_changes_total";
  out.family(changes, "Changes of the live member list this replica has seen.",
             MetricType::counter);
  out.sample(changes, {}, static_cast<double>(gauges.changes));

  const std::string state = p + "_shard_membership";
  out.family(state,
             "1 for this replica's membership state: joining (no Lease yet), member (its Lease is "
             "current: it probes its share) or lost (its Lease ran out, the API server cannot be "
             "reached: it probes nothing and is not ready).",
             MetricType::gauge);
  for (const char* name : {"joining", "lost", "member"}) {
    out.sample(state, one_label("state", name), gauges.state == name ? 1.0 : 0.0);
  }
}

}  // namespace epsitter
