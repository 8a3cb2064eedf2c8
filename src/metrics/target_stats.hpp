// What epsitter has seen of one target so far: the numbers behind its time series.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/target.hpp"
#include "expect/evaluator.hpp"
#include "metrics/native_histogram.hpp"
#include "metrics/probe_history.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

// The latest probe of a target, as its gauges (and a status page) show it.
struct LastProbe {
  bool success = false;
  std::optional<FailureReason> failure;
  int status_code = 0;  // 0 when no response arrived
  double finished_unix_seconds = 0;
  double duration_seconds = 0;
  PhaseTimes phases;
  std::int64_t response_bytes = 0;  // as they came over the wire (encoded, with `compression`)
  std::int64_t uncompressed_bytes = 0;
  long redirects = 0;
  double http_version = 0;  // 0 when no response arrived
  std::string tls_version;  // empty unless the final response came over TLS
  std::string tls_cipher;   // empty unless the final response came over TLS
  std::optional<CertFacts> cert;  // of the served chain, also when its verification failed
};

struct TargetStats {
  // The original tool's series.
  std::uint64_t probes = 0;  // every finished probe, answered or not
  double duration_sum_seconds = 0;
  std::map<int, std::uint64_t> status_codes;  // responses by final HTTP status
  std::uint64_t no_response = 0;              // probes that got no response (why: in `failures`)
  ProbeHistory history;  // the last probes, for the status page; recorded with their time

  // Expectations and detail.
  std::map<FailureReason, std::uint64_t> failures;  // failed probes, by their first failed check
  std::uint64_t consecutive_failures = 0;           // since the last success
  std::vector<std::uint64_t> duration_counts;  // per histogram bucket (not cumulative), +Inf last
  double histogram_sum_seconds = 0;  // as duration_sum_seconds, but reset with the buckets
  NativeHistogram native_durations;  // the same durations for the protobuf exposition
  std::optional<LastProbe> last;     // unset until the first probe finishes
  HeaderList extra_labels;           // the target's `labels:` map
  std::string source = "file";       // where the target came from: file, service or ingress

  // `bounds` are the histogram's upper bounds; they must not change between calls (see
  // reset_histogram).
  void record(const ProbeResult& result, const Verdict& verdict, const std::vector<double>& bounds);

  // Empties the histogram, for new bounds: counts of other bounds cannot be carried over.
  void reset_histogram() {
    duration_counts.clear();
    histogram_sum_seconds = 0;
    // Emptied too, so that both parts of the histogram share their count and sum.
    native_durations = NativeHistogram{};
  }
};

// Ordered by labels (name first), which fixes the order of series in the exposition.
using StatsByTarget = std::map<TargetLabels, TargetStats>;

}  // namespace epsitter
