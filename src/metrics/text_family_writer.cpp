// The text exposition format (version 0.0.4) behind the FamilyWriter interface.
#include "metrics/text_family_writer.hpp"

#include <utility>

namespace epsitter {

namespace {

// The labels as one text without braces; most series have a target's, made once (base_prepared).
std::string_view labels_text(const SeriesLabels& labels, bool with_label, std::string& storage) {
  const bool plain = labels.extra == nullptr && (!with_label || labels.label.empty());
  if (plain && (labels.base == nullptr || !labels.base_prepared.empty()))
    return labels.base_prepared;
  storage = labels.base_prepared.empty() && labels.base != nullptr
                ? render_labels(*labels.base)
                : std::string{labels.base_prepared};
  const auto append = [&storage](const std::string& more) {
    if (more.empty()) return;
    if (!storage.empty()) storage += ',';
    storage += more;
  };
  if (labels.extra != nullptr) append(render_labels(*labels.extra));
  if (with_label && !labels.label.empty()) append(render_labels({{labels.label, labels.value}}));
  return storage;
}

}  // namespace

TextFamilyWriter::TextFamilyWriter(Options options)
    : out_(std::move(options.sink), options.chunk_bytes),
      family_ended_(std::move(options.family_ended)),
      headers_(options.headers) {}

bool TextFamilyWriter::family(std::string_view name, std::string_view help, MetricType type) {
  end_family();
  in_family_ = true;
  name_ = name;
  if (type == MetricType::summary || type == MetricType::histogram) {
    count_name_ = name_ + "_count";
    sum_name_ = name_ + "_sum";
    bucket_name_ = name_ + "_bucket";
  }
  if (headers_) out_.family(name, help, type);
  return true;
}

void TextFamilyWriter::sample(std::string_view name, const SeriesLabels& labels, double value) {
  std::string storage;
  out_.sample_rendered(name, labels_text(labels, false, storage), value, labels.label,
                       labels.value);
}

void TextFamilyWriter::summary(const SeriesLabels& labels, std::uint64_t count, double sum) {
  sample(count_name_, labels, static_cast<double>(count));
  sample(sum_name_, labels, sum);
}

void TextFamilyWriter::begin_histogram(const SeriesLabels& labels, std::uint64_t count,
                                       double sum) {
  histogram_labels_ = labels;
  histogram_count_ = count;
  histogram_sum_ = sum;
}

void TextFamilyWriter::classic_buckets(const std::vector<double>& bounds,
                                       const std::vector<double>& cumulative) {
  if (bounds != le_bounds_ || le_texts_.empty()) {
    le_bounds_ = bounds;
    le_texts_.clear();
    for (double bound : bounds) le_texts_.push_back(format_value(bound));
    le_texts_.emplace_back("+Inf");
  }
  std::string storage;
  const std::string_view text = labels_text(histogram_labels_, true, storage);
  for (std::size_t i = 0; i < le_texts_.size() && i < cumulative.size(); ++i) {
    out_.sample_rendered(bucket_name_, text, cumulative[i], "le", le_texts_[i]);
  }
}

// The text format has no native histograms: a scraper that wants them asks for protobuf.
void TextFamilyWriter::native_buckets(const NativeHistogram& /*native*/) {}

void TextFamilyWriter::end_histogram() {
  sample(sum_name_, histogram_labels_, histogram_sum_);
  sample(count_name_, histogram_labels_, static_cast<double>(histogram_count_));
}

std::string TextFamilyWriter::prepare_labels(const Labels& labels) const {
  return render_labels(labels);
}

void TextFamilyWriter::finish() {
  end_family();
  out_.flush();
}

void TextFamilyWriter::end_family() {
  if (!in_family_) return;
  in_family_ = false;
  if (!family_ended_) return;
  out_.flush();
  family_ended_();
}

}  // namespace epsitter
