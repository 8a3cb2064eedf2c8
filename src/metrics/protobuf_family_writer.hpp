// Prometheus' protobuf exposition behind the FamilyWriter interface: each family becomes one
// io.prometheus.client.MetricFamily message (client_model's metrics.proto), prefixed with its
// size as a varint ("encoding=delimited"), the way client_golang serves it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/family_writer.hpp"

namespace epsitter {

class ProtobufFamilyWriter final : public FamilyWriter {
 public:
  // Appends the messages to `out`, which must outlive this.
  explicit ProtobufFamilyWriter(std::string& out) : out_(out) {}

  bool family(std::string_view name, std::string_view help, MetricType type) override;
  void sample(std::string_view name, const SeriesLabels& labels, double value) override;
  void summary(const SeriesLabels& labels, std::uint64_t count, double sum) override;
  void begin_histogram(const SeriesLabels& labels, std::uint64_t count, double sum) override;
  void classic_buckets(const std::vector<double>& bounds,
                       const std::vector<double>& cumulative) override;
  void native_buckets(const NativeHistogram& native) override;
  void end_histogram() override;
  std::string prepare_labels(const Labels& labels) const override;
  void finish() override;

 private:
  // Ends the family being written: a family without series is left out, as client_golang does
  // (Prometheus skips it anyway).
  void end_family();
  // Starts metric_ with the series' labels.
  void begin_metric(const SeriesLabels& labels);
  // Adds metric_, whose value field is `value_message` as field `field`, to the family.
  void end_metric(std::uint32_t field, const std::string& value_message);

  std::string& out_;
  std::string family_;  // the MetricFamily being written, without its size
  bool has_metrics_ = false;
  MetricType type_ = MetricType::untyped;
  // Scratch messages, reused from series to series.
  std::string metric_;
  std::string value_;
  std::string nested_;
};

}  // namespace epsitter
