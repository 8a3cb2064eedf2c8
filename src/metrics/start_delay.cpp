// How late probes start against their schedule, over all targets.
#include "metrics/start_delay.hpp"

#include <algorithm>

#include "metrics/exposition_writer.hpp"

namespace epsitter {

void StartDelayHistogram::observe(std::chrono::nanoseconds delay) {
  const auto nanoseconds = static_cast<std::uint64_t>(std::max<std::int64_t>(delay.count(), 0));
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  // Upper bounds are inclusive, as in every Prometheus histogram.
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_nanoseconds_.fetch_add(nanoseconds, std::memory_order_relaxed);
}

std::string StartDelayHistogram::render(std::string_view prefix) const {
  const std::string name = std::string{prefix} + "_probe_start_delay_seconds";
  ExpositionWriter out;
  out.family(name,
             "How long after its planned time each probe started, over all targets (waiting for a "
             "scheduler thread, the HTTP engine or the in-flight bound).",
             MetricType::histogram);
  const std::string bucket_name = name + "_bucket";
  double cumulative = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cumulative += static_cast<double>(counts_[i].load(std::memory_order_relaxed));
    const std::string le = i < kBounds.size() ? format_value(kBounds[i]) : "+Inf";
    out.sample(bucket_name, {{"le", le}}, cumulative);
  }
  out.sample(name + "_sum", {},
             static_cast<double>(sum_nanoseconds_.load(std::memory_order_relaxed)) / 1e9);
  out.sample(name + "_count", {}, cumulative);
  return out.take();
}

}  // namespace epsitter
