// Renders the families about where targets come from: discovery (targets per source, errors, last
// sync) and sharding (the targets this replica probes).
#include "metrics/discovery_metrics.hpp"

#include "metrics/text_family_writer.hpp"

namespace epsitter {

std::string render_discovery_metrics(std::string_view prefix, const DiscoveryGauges& gauges) {
  TextFamilyWriter out;
  write_discovery_metrics(out, prefix, gauges);
  return out.take();
}

void write_discovery_metrics(FamilyWriter& out, std::string_view prefix,
                             const DiscoveryGauges& gauges) {
  const std::string p{prefix};

  const std::string targets = p + "_discovery_targets";
  out.family(targets,
             "Targets from each source (file: the config file; service, ingress: Kubernetes "
             "discovery), after name clashes and before sharding.",
             MetricType::gauge);
  std::map<std::string, std::size_t> by_source{{"file", 0}, {"ingress", 0}, {"service", 0}};
  for (const auto& [source, count] : gauges.targets_by_source) by_source[source] = count;
  for (const auto& [source, count] : by_source) {
    out.sample(targets, one_label("source", source), static_cast<double>(count));
  }

  const std::string errors = p + "_discovery_errors_total";
  out.family(errors,
             "Kubernetes discovery errors: api (a request failed or a watch broke), object (an "
             "annotated object skipped as malformed), policy (an annotated object the "
             "kubernetes: rules refused).",
             MetricType::counter);
  out.sample(errors, one_label("reason", "api"), static_cast<double>(gauges.api_errors));
  out.sample(errors, one_label("reason", "object"), static_cast<double>(gauges.object_errors));
  out.sample(errors, one_label("reason", "policy"), static_cast<double>(gauges.policy_errors));

  const std::string sync = p + "_discovery_last_sync_timestamp_seconds";
  out.family(sync,
             "Unix time Kubernetes discovery last heard from the API server (a list or a watch "
             "event); 0 when never.",
             MetricType::gauge);
  out.sample(sync, {}, gauges.last_sync_unix_seconds);

  const std::string shard = p + "_shard_targets";
  out.family(shard, "Targets this replica probes: its shard of all targets.", MetricType::gauge);
  out.sample(shard, {}, static_cast<double>(gauges.shard_targets));
}

}  // namespace epsitter
