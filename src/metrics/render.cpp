// Renders every target's stats as the exposition text served on /metrics.
#include "metrics/render.hpp"

#include <array>
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

Labels with(const TargetLabels& target, std::string_view label, std::string_view value) {
  Labels labels = target_labels(target);
  labels.emplace_back(label, value);
  return labels;
}

// The families of the original Python tool, with its names and types (prometheus_client's text
// output: counters announced with their _total name; no _created series).
void render_seed_families(const std::string& p, const StatsByTarget& stats, ExpositionWriter& out) {
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
      out.sample(status_total, with(target, "status", std::to_string(code)),
                 static_cast<double>(count));
    }
  }

  const std::string error_total = p + "_http_error_total";
  out.family(error_total, "Probes that got no HTTP response, by reason.", MetricType::counter);
  for (const auto& [target, seen] : stats) {
    for (const auto& [error, count] : seen.errors) {
      out.sample(error_total, with(target, "error", to_label(error)), static_cast<double>(count));
    }
  }
}

void render_outcome_families(const std::string& p, const StatsByTarget& stats,
                             ExpositionWriter& out) {
  const std::string success = p + "_probe_success";
  out.family(success,
             "Whether the last probe got a response that met every expectation (1) or not (0).",
             MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    if (seen.last) out.sample(success, target_labels(target), seen.last->success ? 1 : 0);
  }

  const std::string failures = p + "_probe_failures_total";
  out.family(failures,
             "Failed probes, by the first reason they failed: a transport error or an expectation.",
             MetricType::counter);
  for (const auto& [target, seen] : stats) {
    for (const auto& [reason, count] : seen.failures) {
      out.sample(failures, with(target, "reason", to_label(reason)), static_cast<double>(count));
    }
  }

  const std::string consecutive = p + "_consecutive_failures";
  out.family(consecutive, "Probes failed in a row since the last success.", MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    out.sample(consecutive, target_labels(target), static_cast<double>(seen.consecutive_failures));
  }
}

void render_histogram(const std::string& p, const StatsByTarget& stats,
                      const std::vector<double>& bounds, ExpositionWriter& out) {
  const std::string name = p + "_request_duration_seconds";
  out.family(name, "Time taken by each probe, in seconds.", MetricType::histogram);
  const std::string bucket_name = name + "_bucket";
  for (const auto& [target, seen] : stats) {
    double cumulative = 0;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      if (i < seen.duration_counts.size())
        cumulative += static_cast<double>(seen.duration_counts[i]);
      const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
      out.sample(bucket_name, with(target, "le", le), cumulative);
    }
    out.sample(name + "_sum", target_labels(target), seen.histogram_sum_seconds);
    out.sample(name + "_count", target_labels(target), cumulative);
  }
}

// Gauges of the last probe; a target that has not been probed yet has none.
void render_last_probe_families(const std::string& p, const StatsByTarget& stats,
                                ExpositionWriter& out) {
  const std::string phase = p + "_request_phase_seconds";
  out.family(phase, "Seconds the last probe spent in each phase (summed over its redirects).",
             MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    if (!seen.last) continue;
    const PhaseTimes& t = seen.last->phases;
    const std::array<std::pair<std::string_view, double>, 5> phases{{{"dns", t.dns},
                                                                     {"connect", t.connect},
                                                                     {"tls", t.tls},
                                                                     {"ttfb", t.ttfb},
                                                                     {"transfer", t.transfer}}};
    for (const auto& [phase_name, seconds] : phases) {
      out.sample(phase, with(target, "phase", phase_name), seconds);
    }
  }

  struct Gauge {
    std::string_view suffix;
    std::string_view help;
    double (*value)(const LastProbe&);
  };
  static const std::array<Gauge, 5> kGauges{{
      {"_last_status_code",
       "HTTP status code of the last probe's final response; 0 when none arrived.",
       [](const LastProbe& l) { return static_cast<double>(l.status_code); }},
      {"_last_probe_timestamp_seconds", "Unix time at which the last probe finished.",
       [](const LastProbe& l) { return l.finished_unix_seconds; }},
      {"_response_size_bytes", "Body bytes the last probe received (at most body_limit).",
       [](const LastProbe& l) { return static_cast<double>(l.response_bytes); }},
      {"_redirects", "Redirects the last probe followed.",
       [](const LastProbe& l) { return static_cast<double>(l.redirects); }},
      {"_http_version",
       "HTTP version of the last probe's final response (1.0, 1.1, 2, 3); 0 when none arrived.",
       [](const LastProbe& l) { return l.http_version; }},
  }};
  for (const Gauge& gauge : kGauges) {
    const std::string name = p + std::string{gauge.suffix};
    out.family(name, gauge.help, MetricType::gauge);
    for (const auto& [target, seen] : stats) {
      if (seen.last) out.sample(name, target_labels(target), gauge.value(*seen.last));
    }
  }
}

void render_tls_families(const std::string& p, const StatsByTarget& stats, ExpositionWriter& out) {
  const std::string expiry = p + "_tls_cert_expiry_timestamp_seconds";
  out.family(expiry,
             "Unix time at which the first certificate of the served chain expires (last probe).",
             MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    if (seen.last && seen.last->cert_not_after) {
      out.sample(expiry, target_labels(target), static_cast<double>(*seen.last->cert_not_after));
    }
  }
  const std::string version = p + "_tls_version_info";
  out.family(version, "TLS version of the last probe's final response (value 1).",
             MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    if (seen.last && !seen.last->tls_version.empty()) {
      out.sample(version, with(target, "version", seen.last->tls_version), 1);
    }
  }
}

void render_target_info(const std::string& p, const StatsByTarget& stats, ExpositionWriter& out) {
  const std::string info = p + "_target_info";
  out.family(info, "Every configured target (value 1), with the extra labels of its config.",
             MetricType::gauge);
  for (const auto& [target, seen] : stats) {
    Labels labels = target_labels(target);
    for (const auto& [label, value] : seen.extra_labels) labels.emplace_back(label, value);
    out.sample(info, labels, 1);
  }
}

}  // namespace

std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds) {
  const std::string p{prefix};
  ExpositionWriter out;
  render_seed_families(p, stats, out);
  render_outcome_families(p, stats, out);
  render_histogram(p, stats, duration_bounds, out);
  render_last_probe_families(p, stats, out);
  render_tls_families(p, stats, out);
  render_target_info(p, stats, out);
  return out.take();
}

}  // namespace epsitter
