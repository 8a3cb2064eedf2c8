// Renders the families about epsitter itself: build info, config reload outcome, process_*.
#include "metrics/runtime_metrics.hpp"

#include "metrics/text_family_writer.hpp"

namespace epsitter {

std::string render_runtime_metrics(std::string_view prefix, const BuildInfo& build,
                                   const ReloadGauges& reload, const ProcessStats& process) {
  TextFamilyWriter out;
  write_runtime_metrics(out, prefix, build, reload, process);
  return out.take();
}

void write_runtime_metrics(FamilyWriter& out, std::string_view prefix, const BuildInfo& build,
                           const ReloadGauges& reload, const ProcessStats& process) {
  const std::string p{prefix};

  const std::string build_info = p + "_build_info";
  out.family(build_info,
             "A metric with a constant '1' value labeled by version and revision from which "
             "epsitter was built, and by its shard.",
             MetricType::gauge);
  const std::string shard = std::to_string(build.shard_index);
  const std::string shard_count = std::to_string(build.shard_count);
  const Labels build_labels{{"revision", build.revision},
                            {"shard", shard},
                            {"shard_count", shard_count},
                            {"version", build.version}};
  out.sample(build_info, labels_of(build_labels), 1);

  const std::string successful = p + "_config_last_reload_successful";
  out.family(successful, "Whether the last configuration reload attempt was successful.",
             MetricType::gauge);
  out.sample(successful, {}, reload.last_successful ? 1 : 0);

  const std::string timestamp = p + "_config_last_reload_success_timestamp_seconds";
  out.family(timestamp, "Timestamp of the last successful configuration reload.",
             MetricType::gauge);
  out.sample(timestamp, {}, reload.last_success_unix_seconds);

  write_process_metrics(out, process);
}

}  // namespace epsitter
