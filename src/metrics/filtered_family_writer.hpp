// Leaves out whole families, or either part of the histograms, in front of any format: the hook a
// `metrics:` block's switches (families off, histogram form classic|native|both) plug into.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "metrics/family_writer.hpp"

namespace epsitter {

class FilteredFamilyWriter final : public FamilyWriter {
 public:
  struct Filter {
    std::function<bool(std::string_view family)> keep;  // empty: every family
    bool classic_buckets = true;
    bool native_buckets = true;
  };

  // `inner` must outlive this.
  FilteredFamilyWriter(FamilyWriter& inner, Filter filter)
      : inner_(inner), filter_(std::move(filter)) {}

  bool family(std::string_view name, std::string_view help, MetricType type) override {
    kept_ = !filter_.keep || filter_.keep(name);
    return kept_ && inner_.family(name, help, type);
  }
  void sample(std::string_view name, const SeriesLabels& labels, double value) override {
    if (kept_) inner_.sample(name, labels, value);
  }
  void summary(const SeriesLabels& labels, std::uint64_t count, double sum) override {
    if (kept_) inner_.summary(labels, count, sum);
  }
  void begin_histogram(const SeriesLabels& labels, std::uint64_t count, double sum) override {
    if (kept_) inner_.begin_histogram(labels, count, sum);
  }
  void classic_buckets(const std::vector<double>& bounds,
                       const std::vector<double>& cumulative) override {
    if (kept_ && filter_.classic_buckets) inner_.classic_buckets(bounds, cumulative);
  }
  void native_buckets(const NativeHistogram& native) override {
    if (kept_ && filter_.native_buckets) inner_.native_buckets(native);
  }
  void end_histogram() override {
    if (kept_) inner_.end_histogram();
  }
  std::string prepare_labels(const Labels& labels) const override {
    return inner_.prepare_labels(labels);
  }
  void finish() override { inner_.finish(); }

 private:
  FamilyWriter& inner_;
  Filter filter_;
  bool kept_ = true;
};

}  // namespace epsitter
