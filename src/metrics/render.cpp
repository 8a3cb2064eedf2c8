// Renders every target's stats as the exposition text served on /metrics.
#include "metrics/render.hpp"

#include <array>
#include <iterator>
#include <string>
#include <utility>

#include "metrics/exposition_writer.hpp"
#include "metrics/filtered_family_writer.hpp"
#include "metrics/text_family_writer.hpp"

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
  Labels raw;            // target_labels()
  std::string prepared;  // raw as the writer in use encodes it (FamilyWriter::prepare_labels)
  SeriesLabels with(std::string_view label = {}, std::string_view value = {}) const {
    return SeriesLabels{&raw, prepared, nullptr, label, value};
  }
};
using Rows = std::vector<Row>;

Rows rows_of(StatsByTarget::const_iterator first, StatsByTarget::const_iterator last,
             const FamilyWriter& out) {
  Rows rows;
  rows.reserve(static_cast<std::size_t>(std::distance(first, last)));
  for (auto it = first; it != last; ++it) {
    Labels raw = target_labels(it->first);
    std::string prepared = out.prepare_labels(raw);
    rows.push_back(Row{it->first, it->second, std::move(raw), std::move(prepared)});
  }
  return rows;
}

// The families of the original Python tool, with its names and types (prometheus_client's text
// output: counters announced with their _total name; no _created series).
void render_seed_families(const std::string& p, const Rows& rows, FamilyWriter& out) {
  const std::string request_time = p + "_request_time";
  out.family(request_time, "Time taken by each probe request, in seconds.", MetricType::summary);
  for (const Row& row : rows) {
    out.summary(row.with(), row.seen.probes, row.seen.duration_sum_seconds);
  }

  const std::string status_total = p + "_http_status_code_total";
  out.family(status_total, "Responses received, by HTTP status code.", MetricType::counter);
  for (const Row& row : rows) {
    for (const auto& [code, count] : row.seen.status_codes) {
      const std::string status = std::to_string(code);
      out.sample(status_total, row.with("status", status), static_cast<double>(count));
    }
  }

  const std::string error_total = p + "_http_error_total";
  out.family(error_total, "Probes that got no HTTP response.", MetricType::counter);
  for (const Row& row : rows) {
    out.sample(error_total, row.with(), static_cast<double>(row.seen.no_response));
  }
}

void render_outcome_families(const std::string& p, const Rows& rows, FamilyWriter& out) {
  const std::string success = p + "_probe_success";
  out.family(success,
             "Whether the last probe got a response that met every expectation (1) or not (0).",
             MetricType::gauge);
  for (const Row& row : rows) {
    if (row.seen.last) out.sample(success, row.with(), row.seen.last->success ? 1 : 0);
  }

  const std::string failures = p + "_probe_failures_total";
  out.family(failures,
             "Failed probes, by the first reason they failed: a transport error or an expectation.",
             MetricType::counter);
  for (const Row& row : rows) {
    for (const auto& [reason, count] : row.seen.failures) {
      out.sample(failures, row.with("reason", to_label(reason)), static_cast<double>(count));
    }
  }

  const std::string consecutive = p + "_consecutive_failures";
  out.family(consecutive, "Probes failed in a row since the last success.", MetricType::gauge);
  for (const Row& row : rows) {
    out.sample(consecutive, row.with(), static_cast<double>(row.seen.consecutive_failures));
  }
}

void render_histogram(const std::string& p, const Rows& rows, const std::vector<double>& bounds,
                      FamilyWriter& out) {
  const std::string name = p + "_request_duration_seconds";
  out.family(name, "Time taken by each probe, in seconds.", MetricType::histogram);
  std::vector<double> cumulative(bounds.size() + 1);
  for (const Row& row : rows) {
    const TargetStats& seen = row.seen;
    double total = 0;
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
      if (i < seen.duration_counts.size()) total += static_cast<double>(seen.duration_counts[i]);
      cumulative[i] = total;
    }
    out.begin_histogram(row.with(), static_cast<std::uint64_t>(total), seen.histogram_sum_seconds);
    out.classic_buckets(bounds, cumulative);
    out.native_buckets(seen.native_durations);
    out.end_histogram();
  }
}

// Gauges of the last probe; a target that has not been probed yet has none.
void render_last_probe_families(const std::string& p, const Rows& rows, FamilyWriter& out) {
  const std::string phase = p + "_request_phase_seconds";
  out.family(phase, "Seconds the last probe spent in each phase (summed over its redirects).",
             MetricType::gauge);
  for (const Row& row : rows) {
    if (!row.seen.last) continue;
    const PhaseTimes& t = row.seen.last->phases;
    const std::array<std::pair<std::string_view, double>, 5> phases{{{"dns", t.dns},
                                                                     {"connect", t.connect},
                                                                     {"tls", t.tls},
                                                                     {"ttfb", t.ttfb},
                                                                     {"transfer", t.transfer}}};
    for (const auto& [phase_name, seconds] : phases) {
      out.sample(phase, row.with("phase", phase_name), seconds);
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
    for (const Row& row : rows) {
      if (row.seen.last) out.sample(name, row.with(), gauge.value(*row.seen.last));
    }
  }
}

void render_tls_families(const std::string& p, const Rows& rows, FamilyWriter& out) {
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
    for (const Row& row : rows) {
      if (!row.seen.last || !row.seen.last->cert) continue;
      const std::optional<std::int64_t>& when = (*row.seen.last->cert).*expiry.when;
      if (when) out.sample(name, row.with(), static_cast<double>(*when));
    }
  }
  const std::string cert_info = p + "_tls_cert_info";
  out.family(cert_info,
             "The served leaf certificate of the last probe (value 1), also when its verification "
             "failed.",
             MetricType::gauge);
  for (const Row& row : rows) {
    if (!row.seen.last || !row.seen.last->cert) continue;
    const CertFacts& cert = *row.seen.last->cert;
    const Labels facts{{"subject", cert.subject},
                       {"issuer", cert.issuer},
                       {"serial", cert.serial},
                       {"fingerprint_sha256", cert.fingerprint_sha256},
                       {"dns_names", cert.dns_names}};
    SeriesLabels labels = row.with();
    labels.extra = &facts;
    out.sample(cert_info, labels, 1);
  }
  const std::string version = p + "_tls_version_info";
  out.family(version, "TLS version of the last probe's final response (value 1).",
             MetricType::gauge);
  for (const Row& row : rows) {
    if (row.seen.last && !row.seen.last->tls_version.empty()) {
      out.sample(version, row.with("version", row.seen.last->tls_version), 1);
    }
  }
  const std::string cipher = p + "_tls_cipher_info";
  out.family(cipher, "Cipher of the last probe's final response over TLS (value 1).",
             MetricType::gauge);
  for (const Row& row : rows) {
    if (row.seen.last && !row.seen.last->tls_cipher.empty()) {
      out.sample(cipher, row.with("cipher", row.seen.last->tls_cipher), 1);
    }
  }
}

void render_target_info(const std::string& p, const Rows& rows, FamilyWriter& out) {
  const std::string info = p + "_target_info";
  out.family(info, "Every configured target (value 1), with the extra labels of its config.",
             MetricType::gauge);
  for (const Row& row : rows) {
    Labels extra;
    for (const auto& [label, value] : row.seen.extra_labels) extra.emplace_back(label, value);
    SeriesLabels labels = row.with();
    if (!extra.empty()) labels.extra = &extra;
    out.sample(info, labels, 1);
  }
}

void render_all(std::string_view prefix, const Rows& rows,
                const std::vector<double>& duration_bounds, FamilyWriter& out) {
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
  TextFamilyWriter text{
      {std::move(output.sink), output.chunk_bytes, std::move(output.family_ended), output.headers}};
  // A family switched off never reaches the text writer: no HELP/TYPE lines, no family_ended.
  FilteredFamilyWriter out{text, writer_filter(families, prefix)};
  render_all(prefix, rows_of(first, last, out), duration_bounds, out);
  out.finish();
}

void render_families(std::string_view prefix, const StatsByTarget& stats,
                     const std::vector<double>& duration_bounds, FamilyWriter& out,
                     const FamilySelection& families) {
  FilteredFamilyWriter filtered{out, writer_filter(families, prefix)};
  render_all(prefix, rows_of(stats.begin(), stats.end(), filtered), duration_bounds, filtered);
}

}  // namespace epsitter
