// What epsitter has seen of one target so far: the numbers behind its time series.
#include "metrics/target_stats.hpp"

#include <algorithm>

namespace epsitter {

void TargetStats::record(const ProbeResult& result, const Verdict& verdict,
                         const std::vector<double>& bounds) {
  ++probes;
  duration_sum_seconds += result.duration_seconds;
  if (result.error == ProbeError::none) {
    ++status_codes[result.status_code];
  } else {
    ++no_response;
  }

  if (verdict.failure) {
    ++failures[*verdict.failure];
    ++consecutive_failures;
  } else {
    consecutive_failures = 0;
  }
  duration_counts.resize(bounds.size() + 1);
  histogram_sum_seconds += result.duration_seconds;
  // Prometheus buckets are upper bounds inclusive: a value equal to a bound counts in it.
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), result.duration_seconds);
  ++duration_counts[static_cast<std::size_t>(bucket - bounds.begin())];
  native_durations.observe(result.duration_seconds);

  LastProbe probe;
  probe.success = verdict.success();
  probe.failure = verdict.failure;
  probe.status_code = result.status_code;
  probe.finished_unix_seconds = result.finished_unix_seconds;
  probe.duration_seconds = result.duration_seconds;
  probe.phases = result.phases;
  probe.response_bytes = result.response_bytes;
  probe.uncompressed_bytes = result.uncompressed_bytes;
  probe.redirects = result.redirects;
  probe.http_version = result.http_version;
  probe.tls_version = result.tls_version;
  probe.tls_cipher = result.tls_cipher;
  probe.cert = result.cert;
  last = std::move(probe);
}

}  // namespace epsitter
