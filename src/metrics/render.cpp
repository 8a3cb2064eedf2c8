// Renders every target's stats as the exposition text served on /metrics.
#include "metrics/render.hpp"

#include <array>
#include <iterator>
#include <string>
#include <utility>

#include "metrics/exposition_writer.hpp"
#include "metrics/family_selection.hpp"

namespace epsitter {

namespace {

Labels target_labels(const TargetLabels& target) {
  return {{"name", target.name},
          {"namespace", target.namespace_},
          {"method", target.method},
          {"url", target.url}};
}

// One target as every family renders it: its labels are escaped once, not once per series.
struct Row {
  const TargetLabels& target;
  const TargetStats& seen;
  std::string labels;  // render_labels() of target_labels()
};
using Rows = std::vector<Row>;

// The writer as a run of targets uses it (see SliceOutput): each family's text may be handed over
// and announced at its end, and a run after the first leaves the HELP and TYPE lines out. The
// `metrics:` switches are applied here, as each family starts, so that the families below stay
// unaware of them: a family switched off leaves no text and no family_ended.
class SliceWriter {
 public:
  SliceWriter(SliceOutput output, std::size_t prefix_length, const FamilySelection& families)
      : out_(std::move(output.sink), output.chunk_bytes),
        family_ended_(std::move(output.family_ended)),
        headers_(output.headers),
        prefix_length_(prefix_length),
        families_(families) {}

  void family(std::string_view name, std::string_view help, MetricType type) {
    end_family();
    shown_ = text_shown(families_, name.substr(prefix_length_));
    if (shown_ == TextShown::nothing) return;
    in_family_ = true;
    if (headers_) out_.family(name, help, type);
  }
  void sample_rendered(std::string_view name, std::string_view rendered_labels, double value,
                       std::string_view label = {}, std::string_view label_value = {}) {
    if (!shown(name)) return;
    out_.sample_rendered(name, rendered_labels, value, label, label_value);
  }
  // Ends the last family and hands over what is left.
  void finish() {
    end_family();
    out_.flush();
  }

 private:
  bool shown(std::string_view sample_name) const {
    constexpr std::string_view kBucket = "_bucket";
    switch (shown_) {
      case TextShown::all:
        return true;
      case TextShown::without_buckets:
        return sample_name.size() < kBucket.size() ||
               sample_name.substr(sample_name.size() - kBucket.size()) != kBucket;
      case TextShown::nothing:
        return false;
    }
    return true;
  }

  void end_family() {
    if (!in_family_) return;
    in_family_ = false;
    if (!family_ended_) return;
    out_.flush();
    family_ended_();
  }

  ExpositionWriter out_;
  std::function<void()> family_ended_;
  bool headers_;
  std::size_t prefix_length_;
  const FamilySelection& families_;
  TextShown shown_ = TextShown::all;
  bool in_family_ = false;
};

Rows rows_of(StatsByTarget::const_iterator first, StatsByTarget::const_iterator last) {
  Rows rows;
  rows.reserve(static_cast<std::size_t>(std::distance(first, last)));
  for (auto it = first; it != last; ++it) {
    rows.push_back(Row{it->first, it->second, render_labels(target_labels(it->first))});
  }
  return rows;
}

// The families of the original Python tool, with its names and types (prometheus_client's text
// output: counters announced with their _total name; no _created series).
void render_seed_families(const std::string& p, const Rows& rows, SliceWriter& out) {
  const std::string request_time = p + "_request_time";
  out.family(request_time, "Time taken by each probe request, in seconds.", MetricType::summary);
  const std::string count_name = request_time + "_count";
  const std::string sum_name = request_time + "_sum";
  for (const auto& [target, seen, labels] : rows) {
    out.sample_rendered(count_name, labels, static_cast<double>(seen.probes));
    out.sample_rendered(sum_name, labels, seen.duration_sum_seconds);
  }

  const std::string status_total = p + "_http_status_code_total";
  out.family(status_total, "Responses received, by HTTP status code.", MetricType::counter);
  for (const auto& [target, seen, labels] : rows) {
    for (const auto& [code, count] : seen.status_codes) {
      out.sample_rendered(status_total, labels, static_cast<double>(count), "status",
                          std::to_string(code));
    }
  }

  const std::string error_total = p + "_http_error_total";
  out.family(error_total, "Probes that got no HTTP response.", MetricType::counter);
  for (const auto& [target, seen, labels] : rows) {
    out.sample_rendered(error_total, labels, static_cast<double>(seen.no_response));
  }
}

void render_outcome_families(const std::string& p, const Rows& rows, SliceWriter& out) {
  const std::string success = p + "_probe_success";
  out.family(success,
             "Whether the last probe got a response that met every expectation (1) or not (0).",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (seen.last) out.sample_rendered(success, labels, seen.last->success ? 1 : 0);
  }

  const std::string failures = p + "_probe_failures_total";
  out.family(failures,
             "Failed probes, by the first reason they failed: a transport error or an expectation.",
             MetricType::counter);
  for (const auto& [target, seen, labels] : rows) {
    for (const auto& [reason, count] : seen.failures) {
      out.sample_rendered(failures, labels, static_cast<double>(count), "reason", to_label(reason));
    }
  }

  const std::string consecutive = p + "_consecutive_failures";
  out.family(consecutive, "Probes failed in a row since the last success.", MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    out.sample_rendered(consecutive, labels, static_cast<double>(seen.consecutive_failures));
  }
}

void render_histogram(const std::string& p, const Rows& rows, const std::vector<double>& bounds,
                      SliceWriter& out) {
  const std::string name = p + "_request_duration_seconds";
  out.family(name, "Time taken by each probe, in seconds.", MetricType::histogram);
  const std::string bucket_name = name + "_bucket";
  const std::string sum_name = name + "_sum";
  const std::string count_name = name + "_count";
  std::vector<std::string> le;
  for (double bound : bounds) le.push_back(format_value(bound));
  le.emplace_back("+Inf");
  for (const auto& [target, seen, labels] : rows) {
    double cumulative = 0;
    for (std::size_t i = 0; i < le.size(); ++i) {
      if (i < seen.duration_counts.size())
        cumulative += static_cast<double>(seen.duration_counts[i]);
      out.sample_rendered(bucket_name, labels, cumulative, "le", le[i]);
    }
    out.sample_rendered(sum_name, labels, seen.histogram_sum_seconds);
    out.sample_rendered(count_name, labels, cumulative);
  }
}

// Gauges of the last probe; a target that has not been probed yet has none.
void render_last_probe_families(const std::string& p, const Rows& rows, SliceWriter& out) {
  const std::string phase = p + "_request_phase_seconds";
  out.family(phase, "Seconds the last probe spent in each phase (summed over its redirects).",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (!seen.last) continue;
    const PhaseTimes& t = seen.last->phases;
    const std::array<std::pair<std::string_view, double>, 5> phases{{{"dns", t.dns},
                                                                     {"connect", t.connect},
                                                                     {"tls", t.tls},
                                                                     {"ttfb", t.ttfb},
                                                                     {"transfer", t.transfer}}};
    for (const auto& [phase_name, seconds] : phases) {
      out.sample_rendered(phase, labels, seconds, "phase", phase_name);
    }
  }

  struct Gauge {
    std::string_view suffix;
    std::string_view help;
    double (*value)(const LastProbe&);
  };
  static const std::array<Gauge, 6> kGauges{{
      {"_last_status_code",
       "HTTP status code of the last probe's final response; 0 when none arrived.",
       [](const LastProbe& l) { return static_cast<double>(l.status_code); }},
      {"_last_probe_timestamp_seconds", "Unix time at which the last probe finished.",
       [](const LastProbe& l) { return l.finished_unix_seconds; }},
      {"_response_size_bytes",
       "Body bytes the last probe received (at most body_limit), as sent: compressed when "
       "`compression` asked for a coding.",
       [](const LastProbe& l) { return static_cast<double>(l.response_bytes); }},
      {"_response_uncompressed_size_bytes",
       "Body bytes of the last probe after decoding its content coding (at most body_limit).",
       [](const LastProbe& l) { return static_cast<double>(l.uncompressed_bytes); }},
      {"_redirects", "Redirects the last probe followed.",
       [](const LastProbe& l) { return static_cast<double>(l.redirects); }},
      {"_http_version",
       "HTTP version of the last probe's final response (1.0, 1.1, 2, 3); 0 when none arrived.",
       [](const LastProbe& l) { return l.http_version; }},
  }};
  for (const Gauge& gauge : kGauges) {
    const std::string name = p + std::string{gauge.suffix};
    out.family(name, gauge.help, MetricType::gauge);
    for (const auto& [target, seen, labels] : rows) {
      if (seen.last) out.sample_rendered(name, labels, gauge.value(*seen.last));
    }
  }
}

void render_tls_families(const std::string& p, const Rows& rows, SliceWriter& out) {
  struct Expiry {
    std::string_view suffix;
    std::string_view help;
    const std::optional<std::int64_t> CertFacts::*when;
  };
  static const std::array<Expiry, 2> kExpiries{{
      // Its meaning since the first release, which alerts rely on: the chain breaks when its
      // first certificate expires. The same value as the chain family, whose name says so.
      {"_tls_cert_expiry_timestamp_seconds",
       "Unix time at which the first certificate of the served chain expires (last probe, also "
       "when verification failed).",
       &CertFacts::chain_not_after},
      {"_tls_chain_expiry_timestamp_seconds",
       "Unix time at which the first certificate of the served chain expires (last probe, also "
       "when verification failed).",
       &CertFacts::chain_not_after},
  }};
  for (const Expiry& expiry : kExpiries) {
    const std::string name = p + std::string{expiry.suffix};
    out.family(name, expiry.help, MetricType::gauge);
    for (const auto& [target, seen, labels] : rows) {
      if (!seen.last || !seen.last->cert) continue;
      const std::optional<std::int64_t>& when = (*seen.last->cert).*expiry.when;
      if (when) out.sample_rendered(name, labels, static_cast<double>(*when));
    }
  }
  const std::string cert_info = p + "_tls_cert_info";
  out.family(cert_info,
             "The served leaf certificate of the last probe (value 1), also when its verification "
             "failed.",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (!seen.last || !seen.last->cert) continue;
    const CertFacts& cert = *seen.last->cert;
    const Labels facts{{"subject", cert.subject},
                       {"issuer", cert.issuer},
                       {"serial", cert.serial},
                       {"fingerprint_sha256", cert.fingerprint_sha256},
                       {"dns_names", cert.dns_names}};
    out.sample_rendered(cert_info, labels + "," + render_labels(facts), 1);
  }
  const std::string version = p + "_tls_version_info";
  out.family(version, "TLS version of the last probe's final response (value 1).",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (seen.last && !seen.last->tls_version.empty()) {
      out.sample_rendered(version, labels, 1, "version", seen.last->tls_version);
    }
  }
  const std::string cipher = p + "_tls_cipher_info";
  out.family(cipher, "Cipher of the last probe's final response over TLS (value 1).",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (seen.last && !seen.last->tls_cipher.empty()) {
      out.sample_rendered(cipher, labels, 1, "cipher", seen.last->tls_cipher);
    }
  }
}

void render_target_info(const std::string& p, const Rows& rows, SliceWriter& out) {
  const std::string info = p + "_target_info";
  out.family(info, "Every configured target (value 1), with the extra labels of its config.",
             MetricType::gauge);
  for (const auto& [target, seen, labels] : rows) {
    if (seen.extra_labels.empty()) {
      out.sample_rendered(info, labels, 1);
      continue;
    }
    Labels extra;
    for (const auto& [label, value] : seen.extra_labels) extra.emplace_back(label, value);
    out.sample_rendered(info, labels + "," + render_labels(extra), 1);
  }
}

void render_all(std::string_view prefix, const Rows& rows,
                const std::vector<double>& duration_bounds, SliceWriter& out) {
  const std::string p{prefix};
  render_seed_families(p, rows, out);
  render_outcome_families(p, rows, out);
  render_histogram(p, rows, duration_bounds, out);
  render_last_probe_families(p, rows, out);
  render_tls_families(p, rows, out);
  render_target_info(p, rows, out);
}

}  // namespace

std::string render_exposition(std::string_view prefix, const StatsByTarget& stats,
                              const std::vector<double>& duration_bounds,
                              const FamilySelection& families) {
  std::string text;
  constexpr std::size_t kChunkBytes = 64 * 1024;
  render_exposition_slice(
      prefix, stats.begin(), stats.end(), duration_bounds,
      {[&text](std::string_view chunk) { text += chunk; }, kChunkBytes, {}, true}, families);
  return text;
}

void render_exposition_slice(std::string_view prefix, StatsByTarget::const_iterator first,
                             StatsByTarget::const_iterator last,
                             const std::vector<double>& duration_bounds, SliceOutput output,
                             const FamilySelection& families) {
  SliceWriter out{std::move(output), prefix.size(), families};
  render_all(prefix, rows_of(first, last), duration_bounds, out);
  out.finish();
}

}  // namespace epsitter
