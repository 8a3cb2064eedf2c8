// Prometheus' protobuf exposition behind the FamilyWriter interface (see
// protobuf_family_writer.hpp). Field numbers are client_model's metrics.proto (a copy of which
// the unit tests decode this output with: tests/unit/metrics.proto).
#include "metrics/protobuf_family_writer.hpp"

#include <cmath>

#include "metrics/native_histogram.hpp"
#include "metrics/protobuf_wire.hpp"

namespace epsitter {

namespace {

using protobuf::append_bytes_field;
using protobuf::append_double_field;
using protobuf::append_sint_field;
using protobuf::append_uint_field;

// MetricFamily
constexpr std::uint32_t kFamilyName = 1;
constexpr std::uint32_t kFamilyHelp = 2;
constexpr std::uint32_t kFamilyType = 3;
constexpr std::uint32_t kFamilyMetric = 4;
// Metric
constexpr std::uint32_t kMetricLabel = 1;
constexpr std::uint32_t kMetricGauge = 2;
constexpr std::uint32_t kMetricCounter = 3;
constexpr std::uint32_t kMetricSummary = 4;
constexpr std::uint32_t kMetricUntyped = 5;
constexpr std::uint32_t kMetricHistogram = 7;
// LabelPair
constexpr std::uint32_t kLabelName = 1;
constexpr std::uint32_t kLabelValue = 2;
// Gauge, Counter, Untyped
constexpr std::uint32_t kValue = 1;
// Summary and Histogram
constexpr std::uint32_t kSampleCount = 1;
constexpr std::uint32_t kSampleSum = 2;
// Histogram
constexpr std::uint32_t kBucket = 3;
constexpr std::uint32_t kSchema = 5;
constexpr std::uint32_t kZeroThreshold = 6;
constexpr std::uint32_t kZeroCount = 7;
constexpr std::uint32_t kPositiveSpan = 12;
constexpr std::uint32_t kPositiveDelta = 13;
// Bucket
constexpr std::uint32_t kCumulativeCount = 1;
constexpr std::uint32_t kUpperBound = 2;
// BucketSpan
constexpr std::uint32_t kSpanOffset = 1;
constexpr std::uint32_t kSpanLength = 2;

// client_model's MetricType enum.
std::uint64_t type_number(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return 0;
    case MetricType::gauge:
      return 1;
    case MetricType::summary:
      return 2;
    case MetricType::untyped:
      return 3;
    case MetricType::histogram:
      return 4;
  }
  return 3;
}

void append_label(std::string& metric, std::string& scratch, std::string_view name,
                  std::string_view value) {
  scratch.clear();
  append_bytes_field(scratch, kLabelName, name);
  append_bytes_field(scratch, kLabelValue, value);
  append_bytes_field(metric, kMetricLabel, scratch);
}

// A count as the protobuf's uint64: counts are whole and never negative.
std::uint64_t whole(double count) {
  return count > 0 && std::isfinite(count) ? static_cast<std::uint64_t>(count) : 0;
}

}  // namespace

bool ProtobufFamilyWriter::family(std::string_view name, std::string_view help, MetricType type) {
  end_family();
  type_ = type;
  append_bytes_field(family_, kFamilyName, name);
  append_bytes_field(family_, kFamilyHelp, help);  // raw: the protobuf format escapes nothing
  append_uint_field(family_, kFamilyType, type_number(type));
  return true;
}

std::string ProtobufFamilyWriter::prepare_labels(const Labels& labels) const {
  std::string encoded;
  std::string scratch;
  for (const auto& [name, value] : labels) append_label(encoded, scratch, name, value);
  return encoded;
}

void ProtobufFamilyWriter::begin_metric(const SeriesLabels& labels) {
  metric_.clear();
  if (!labels.base_prepared.empty()) {
    metric_ += labels.base_prepared;  // the LabelPair fields, encoded once per target
  } else if (labels.base != nullptr) {
    for (const auto& [name, value] : *labels.base) append_label(metric_, nested_, name, value);
  }
  if (labels.extra != nullptr) {
    for (const auto& [name, value] : *labels.extra) append_label(metric_, nested_, name, value);
  }
  if (!labels.label.empty()) append_label(metric_, nested_, labels.label, labels.value);
}

void ProtobufFamilyWriter::end_metric(std::uint32_t field, const std::string& value_message) {
  append_bytes_field(metric_, field, value_message);
  append_bytes_field(family_, kFamilyMetric, metric_);
  has_metrics_ = true;
}

void ProtobufFamilyWriter::sample(std::string_view /*name*/, const SeriesLabels& labels,
                                  double value) {
  begin_metric(labels);
  value_.clear();
  append_double_field(value_, kValue, value);
  switch (type_) {
    case MetricType::counter:
      end_metric(kMetricCounter, value_);
      break;
    case MetricType::gauge:
      end_metric(kMetricGauge, value_);
      break;
    default:
      end_metric(kMetricUntyped, value_);
  }
}

void ProtobufFamilyWriter::summary(const SeriesLabels& labels, std::uint64_t count, double sum) {
  begin_metric(labels);
  value_.clear();
  append_uint_field(value_, kSampleCount, count);
  append_double_field(value_, kSampleSum, sum);
  end_metric(kMetricSummary, value_);
}

void ProtobufFamilyWriter::begin_histogram(const SeriesLabels& labels, std::uint64_t count,
                                           double sum) {
  begin_metric(labels);
  value_.clear();
  append_uint_field(value_, kSampleCount, count);
  append_double_field(value_, kSampleSum, sum);
}

// The finite buckets; +Inf's is the sample count, which client_golang leaves out as well.
void ProtobufFamilyWriter::classic_buckets(const std::vector<double>& bounds,
                                           const std::vector<double>& cumulative) {
  for (std::size_t i = 0; i < bounds.size() && i < cumulative.size(); ++i) {
    nested_.clear();
    append_uint_field(nested_, kCumulativeCount, whole(cumulative[i]));
    append_double_field(nested_, kUpperBound, bounds[i]);
    append_bytes_field(value_, kBucket, nested_);
  }
}

void ProtobufFamilyWriter::native_buckets(const NativeHistogram& native) {
  append_sint_field(value_, kSchema, native.schema());
  append_double_field(value_, kZeroThreshold, native.zero_threshold());
  append_uint_field(value_, kZeroCount, native.zero_count());
  std::vector<NativeHistogram::Span> spans = native.spans();
  // A histogram without observations still needs a span to read as native (metrics.proto: "a
  // no-op span (offset 0, length 0)").
  if (spans.empty()) spans.push_back(NativeHistogram::Span{0, 0});
  for (const NativeHistogram::Span& span : spans) {
    nested_.clear();
    append_sint_field(nested_, kSpanOffset, span.offset);
    append_uint_field(nested_, kSpanLength, span.length);
    append_bytes_field(value_, kPositiveSpan, nested_);
  }
  const std::vector<std::int64_t> deltas = native.deltas();
  if (deltas.empty()) return;
  nested_.clear();  // packed: one length-delimited run of zigzag varints
  for (std::int64_t delta : deltas) protobuf::append_varint(nested_, protobuf::zigzag(delta));
  append_bytes_field(value_, kPositiveDelta, nested_);
}

void ProtobufFamilyWriter::end_histogram() {
  end_metric(kMetricHistogram, value_);
}

void ProtobufFamilyWriter::finish() {
  end_family();
}

void ProtobufFamilyWriter::end_family() {
  if (has_metrics_) {
    protobuf::append_varint(out_, family_.size());
    out_ += family_;
  }
  family_.clear();
  has_metrics_ = false;
}

}  // namespace epsitter
