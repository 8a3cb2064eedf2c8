// How late probes start against their schedule, over all targets.
#include "metrics/start_delay.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "metrics/text_family_writer.hpp"

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
  TextFamilyWriter out;
  write(out, prefix);
  return out.take();
}

void StartDelayHistogram::write(FamilyWriter& out, std::string_view prefix) const {
  const std::string name = std::string{prefix} + "_probe_start_delay_seconds";
  out.family(name,
             "How long after its planned time each probe started, over all targets (waiting for a "
             "scheduler thread, the HTTP engine or the in-flight bound).",
             MetricType::histogram);
  const std::vector<double> bounds(kBounds.begin(), kBounds.end());
  std::vector<double> cumulative;
  double total = 0;
  for (const auto& count : counts_) {
    total += static_cast<double>(count.load(std::memory_order_relaxed));
    cumulative.push_back(total);
  }
  out.begin_histogram({}, static_cast<std::uint64_t>(total),
                      static_cast<double>(sum_nanoseconds_.load(std::memory_order_relaxed)) / 1e9);
  out.classic_buckets(bounds, cumulative);
  out.end_histogram();
}

}  // namespace epsitter
