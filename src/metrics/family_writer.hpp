// What every exposition format implements, so that the families are listed once (render.cpp,
// own_families.cpp, ...) and each format only encodes them: the text format (text_family_writer)
// and Prometheus' protobuf format (protobuf_exposition).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "metrics/exposition_writer.hpp"

namespace epsitter {

class NativeHistogram;

// One series' labels, raw (a format escapes them as it needs): `base`, then `extra`, then
// `label`="`value`" when `label` is not empty. `base_prepared` may hold what the writer's
// prepare_labels() made of *base, once for many series (a target's ~30), which it then uses as is.
struct SeriesLabels {
  const Labels* base = nullptr;
  std::string_view base_prepared;
  const Labels* extra = nullptr;
  std::string_view label;
  std::string_view value;
};

// Helpers for a series' labels, for families with few series.
inline SeriesLabels one_label(std::string_view label, std::string_view value) {
  return SeriesLabels{nullptr, {}, nullptr, label, value};
}
inline SeriesLabels labels_of(const Labels& labels) {
  return SeriesLabels{&labels, {}, nullptr, {}, {}};
}

class FamilyWriter {
 public:
  virtual ~FamilyWriter() = default;

  // Starts a family. False when this writer leaves the family out: the writer then ignores its
  // series itself, so a caller may skip computing them but need not.
  virtual bool family(std::string_view name, std::string_view help, MetricType type) = 0;
  // A counter's, gauge's or untyped family's series; `name` is the family's.
  virtual void sample(std::string_view name, const SeriesLabels& labels, double value) = 0;
  // A summary without quantiles: its count and sum.
  virtual void summary(const SeriesLabels& labels, std::uint64_t count, double sum) = 0;

  // A histogram's series, in four calls so that either part may be left out: begin, then its
  // classic buckets and/or its native (sparse exponential) buckets, then end. `cumulative` holds
  // a count per bound of `bounds` and +Inf's last.
  virtual void begin_histogram(const SeriesLabels& labels, std::uint64_t count, double sum) = 0;
  virtual void classic_buckets(const std::vector<double>& bounds,
                               const std::vector<double>& cumulative) = 0;
  virtual void native_buckets(const NativeHistogram& native) = 0;
  virtual void end_histogram() = 0;

  // `labels` encoded the way this format writes them, for SeriesLabels::base_prepared.
  virtual std::string prepare_labels(const Labels& labels) const = 0;

  // Hands over what is pending at the end of the families.
  virtual void finish() = 0;
};

}  // namespace epsitter
