// Which exposition format a scraper gets on /metrics, from its Accept header.
#include "web/exposition_format.hpp"

#include <algorithm>
#include <optional>

#include "text/ascii.hpp"

namespace epsitter {

namespace {

using text::trim;
constexpr auto iequals = text::equals_ignoring_case;

// The first piece of `text` up to `separator` (which is consumed), or all of it.
std::string_view next_piece(std::string_view& text, char separator) {
  const std::size_t at = text.find(separator);
  const std::string_view piece = text.substr(0, at);
  text.remove_prefix(at == std::string_view::npos ? text.size() : at + 1);
  return piece;
}

// RFC 9110's qvalue: "0" or "1" with up to three decimals ("0.5", "1.000"); nullopt otherwise.
std::optional<double> parse_qvalue(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  double value = text[0] - '0';
  if (text.size() == 1) return value;
  if (text[1] != '.') return std::nullopt;
  double scale = 0.1;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  if (value > 1) return std::nullopt;
  return value;
}

struct MediaRange {
  std::string_view type;
  double q = 1;
  bool proto_metric_family = false;  // proto=io.prometheus.client.MetricFamily
  bool delimited = false;            // encoding=delimited
};

std::optional<MediaRange> parse_media_range(std::string_view element) {
  MediaRange range;
  range.type = trim(next_piece(element, ';'));
  if (range.type.empty()) return std::nullopt;
  while (!element.empty()) {
    std::string_view parameter = next_piece(element, ';');
    const std::string_view name = trim(next_piece(parameter, '='));
    std::string_view value = trim(parameter);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (iequals(name, "q")) {
      const std::optional<double> q = parse_qvalue(value);
      if (!q) return std::nullopt;
      range.q = *q;
    } else if (iequals(name, "proto")) {
      range.proto_metric_family = iequals(value, "io.prometheus.client.MetricFamily");
    } else if (iequals(name, "encoding")) {
      range.delimited = iequals(value, "delimited");
    }
  }
  return range;
}

}  // namespace

ExpositionFormat negotiate_exposition_format(std::string_view accept) {
  if (accept.size() > kMaxAcceptBytes) return ExpositionFormat::text;
  double text_q = 0;
  double protobuf_q = 0;
  while (!accept.empty()) {
    const std::optional<MediaRange> range = parse_media_range(next_piece(accept, ','));
    if (!range) continue;
    if (iequals(range->type, "text/plain") || iequals(range->type, "text/*") ||
        iequals(range->type, "*/*")) {
      text_q = std::max(text_q, range->q);
    } else if (iequals(range->type, "application/vnd.google.protobuf") &&
               range->proto_metric_family && range->delimited) {
      protobuf_q = std::max(protobuf_q, range->q);
    }
  }
  return protobuf_q > text_q ? ExpositionFormat::protobuf : ExpositionFormat::text;
}

}  // namespace epsitter
