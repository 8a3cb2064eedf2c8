// Probe results for the status page's unit tests, judged as a target with default expectations is.
#pragma once

#include <chrono>

#include "expect/evaluator.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter::samples {

inline const WallClock::time_point t0 =
    WallClock::time_point{} + std::chrono::seconds(1'764'050'000);  // 2025-11-25T05:53:20Z

inline ProbeResult answer(int status, double seconds = 0.01) {
  ProbeResult result;
  result.status_code = status;
  result.duration_seconds = seconds;
  return result;
}

inline ProbeResult no_answer(ProbeError error, double seconds = 0.001) {
  ProbeResult result;
  result.error = error;
  result.duration_seconds = seconds;
  result.error_detail = "libcurl's words";
  return result;
}

// The verdict of default expectations: a response with a 2xx status.
inline Verdict judged(const ProbeResult& result) {
  return evaluate(Expectations{}, result);
}

// Records one probe ending at `at` as the metrics actor does: counters and history.
inline void probe(StatsByTarget& stats, const TargetLabels& target, const ProbeResult& result,
                  WallClock::time_point at) {
  const Verdict verdict = judged(result);
  stats[target].record(result, verdict, {});
  stats[target].history.record(result, verdict, at);
}

}  // namespace epsitter::samples
