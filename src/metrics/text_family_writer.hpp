// The text exposition format (version 0.0.4) behind the FamilyWriter interface.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition_writer.hpp"
#include "metrics/family_writer.hpp"

namespace epsitter {

class TextFamilyWriter final : public FamilyWriter {
 public:
  struct Options {
    ExpositionWriter::Sink sink;  // empty: the text is kept for take()
    std::size_t chunk_bytes = 0;  // with a sink: chunks of about this size, at line ends
    // Optional: called at the end of each family, once its last text has gone to `sink`.
    std::function<void()> family_ended;
    // False leaves the HELP and TYPE lines out (a run of targets after the first, see
    // render_exposition_slice).
    bool headers = true;
  };

  TextFamilyWriter() = default;
  explicit TextFamilyWriter(Options options);

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

  // Without a sink: the text so far.
  std::string take() { return out_.take(); }

 private:
  void end_family();

  ExpositionWriter out_;
  std::function<void()> family_ended_;
  bool headers_ = true;
  bool in_family_ = false;
  // The current family's sample names, made once per family rather than once per series.
  std::string name_;
  std::string count_name_;
  std::string sum_name_;
  std::string bucket_name_;
  // The `le` texts of the bounds last written, made again only when the bounds change.
  std::vector<double> le_bounds_;
  std::vector<std::string> le_texts_;
  // The histogram series begun and not yet ended.
  SeriesLabels histogram_labels_;
  std::string histogram_labels_text_;
  std::uint64_t histogram_count_ = 0;
  double histogram_sum_ = 0;
};

}  // namespace epsitter
