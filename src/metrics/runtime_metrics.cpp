// Renders the families about epsitter itself: build info, config reload outcome, process_*.
#include "metrics/runtime_metrics.hpp"

#include "metrics/exposition_writer.hpp"

namespace epsitter {

std::string render_runtime_metrics(std::string_view prefix, const BuildInfo& build,
                                   const ReloadGauges& reload, const ProcessStats& process) {
  const std::string p{prefix};
  ExpositionWriter out;

  const std::string build_info = p + "_build_info";
  out.family(build_info,
             "A metric with a constant '1' value labeled by version and revision from which "
             "epsitter was built.",
             MetricType::gauge);
  out.sample(build_info, {{"revision", build.revision}, {"version", build.version}}, 1);

  const std::string successful = p + "_config_last_reload_successful";
  out.family(successful, "Whether the last configuration reload attempt was successful.",
             MetricType::gauge);
  out.sample(successful, {}, reload.last_successful ? 1 : 0);

  const std::string timestamp = p + "_config_last_reload_success_timestamp_seconds";
  out.family(timestamp, "Timestamp of the last successful configuration reload.",
             MetricType::gauge);
  out.sample(timestamp, {}, reload.last_success_unix_seconds);

  write_process_metrics(out, process);
  return out.take();
}

}  // namespace epsitter
