// Which exposition format a scraper gets on /metrics, from its Accept header: Prometheus' protobuf
// format when it prefers it (a Prometheus with native histograms enabled does), the text format
// otherwise.
#pragma once

#include <cstddef>
#include <string_view>

namespace epsitter {

enum class ExpositionFormat { text, protobuf };

// An Accept header longer than this is not parsed (text is served): a real one is ~200 bytes.
inline constexpr std::size_t kMaxAcceptBytes = 4096;

// Protobuf only when `application/vnd.google.protobuf` with `proto=io.prometheus.client.
// MetricFamily` and `encoding=delimited` is acceptable (q > 0) with a q greater than the text
// format's (the best of text/plain, text/* and */*). Type and parameter names are compared without
// regard to case; an element that does not parse (a bad q) counts as absent.
ExpositionFormat negotiate_exposition_format(std::string_view accept);

}  // namespace epsitter
