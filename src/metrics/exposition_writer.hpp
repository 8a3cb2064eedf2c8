// Writes the Prometheus text exposition format (version 0.0.4): HELP/TYPE lines, samples, escaping.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epsitter {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

enum class MetricType { counter, gauge, summary, histogram, untyped };

// Appends to one growing string; the caller decides the order of families and samples, which is
// what makes the output stable.
class ExpositionWriter {
 public:
  using Sink = std::function<void(std::string_view)>;

  ExpositionWriter() = default;
  // Hands the text to `sink` in chunks of about `chunk_bytes`, each ending at a line end, instead
  // of keeping it all: the exposition of 10,000 targets is tens of MB.
  ExpositionWriter(Sink sink, std::size_t chunk_bytes);

  void family(std::string_view name, std::string_view help, MetricType type);
  void sample(std::string_view name, const Labels& labels, double value);
  // The same with labels already rendered by render_labels(), so that a target's labels are
  // escaped once per scrape rather than once per series (a target has about 30); `label` and
  // `label_value` (escaped here) follow them when `label` is not empty.
  void sample_rendered(std::string_view name, std::string_view rendered_labels, double value,
                       std::string_view label = {}, std::string_view label_value = {});
  std::string take() { return std::move(text_); }
  // With a sink: hands it the text so far, so that the caller may cut the text here.
  void flush();

 private:
  void flush_if_full();

  std::string text_;
  Sink sink_;
  std::size_t chunk_bytes_ = 0;
};

// `a="x",b="y"`: labels with their values escaped, without the braces.
std::string render_labels(const Labels& labels);
// Label values escape backslash, double quote and newline.
std::string escape_label_value(std::string_view value);
// HELP text escapes backslash and newline.
std::string escape_help(std::string_view help);
// Formats like Python's repr(float), as prometheus_client did: 1.0, 0.25, 1e-05, +Inf, NaN.
std::string format_value(double value);

}  // namespace epsitter
