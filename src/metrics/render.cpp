// Renders every target's stats as the exposition text served on /metrics.
#include "metrics/render.hpp"

#include <string>

#include "metrics/exposition_writer.hpp"

namespace epsitter {

namespace {

Labels target_labels(const TargetLabels& target) {
  return {{"name", target.name},
          {"namespace", target.namespace_},
          {"method", target.method},
          {"url", target.url}};
}

}  // namespace

std::string render_exposition(std::string_view prefix, const StatsByTarget& stats) {
  const std::string p{prefix};
  ExpositionWriter out;

  // Family names and types follow prometheus_client's text output for the original tool's
  // Summary and Counters (counters are announced with their _total name; no _created series).
  const std::string request_time = p + "_request_time";
  out.family(request_time, "Time taken by each probe request, in seconds.", MetricType::summary);
  const std::string count_name = request_time + "_count";
  const std::string sum_name = request_time + "_sum";
  for (const auto& [target, seen] : stats) {
    const Labels labels = target_labels(target);
    out.sample(count_name, labels, static_cast<double>(seen.probes));
    out.sample(sum_name, labels, seen.duration_sum_seconds);
  }

  const std::string status_total = p + "_http_status_code_total";
  out.family(status_total, "Responses received, by HTTP status code.", MetricType::counter);
  for (const auto& [target, seen] : stats) {
    for (const auto& [code, count] : seen.status_codes) {
      const std::string status = std::to_string(code);
      Labels labels = target_labels(target);
      labels.emplace_back("status", status);
      out.sample(status_total, labels, static_cast<double>(count));
    }
  }

  const std::string error_total = p + "_http_error_total";
  out.family(error_total, "Probes that got no HTTP response, by reason.", MetricType::counter);
  for (const auto& [target, seen] : stats) {
    for (const auto& [error, count] : seen.errors) {
      Labels labels = target_labels(target);
      labels.emplace_back("error", to_label(error));
      out.sample(error_total, labels, static_cast<double>(count));
    }
  }
  return out.take();
}

}  // namespace epsitter
