// The latency sparkline of a target's recent probes, as a small inline SVG.
#include "status/sparkline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "status/status_format.hpp"

namespace epsitter {

namespace {

constexpr int kHeight = 24;
constexpr int kTop = 2;      // room for the stroke at the slowest probe
constexpr int kBottom = 22;  // the line's floor (a latency of 0)

bool answered(const ProbeRecord& record) {
  return record.status_code != 0;
}

}  // namespace

void append_sparkline(std::string& out, const std::vector<ProbeRecord>& history,
                      std::size_t capacity) {
  if (history.empty()) return;
  const std::size_t columns = std::max(capacity, history.size());
  const std::size_t first_x = columns - history.size();
  double slowest = 0;
  std::size_t failures = 0;
  for (const auto& record : history) {
    if (answered(record)) slowest = std::max(slowest, record.duration_seconds);
    failures += record.success() ? 0 : 1;
  }

  fmt::format_to(std::back_inserter(out),
                 R"(<svg class="sp" viewBox="0 0 {} {}" preserveAspectRatio="none">)", columns,
                 kHeight);
  fmt::format_to(std::back_inserter(out), "<title>{} probes, {} failed", history.size(), failures);
  if (slowest > 0)
    fmt::format_to(std::back_inserter(out), ", slowest answer {}", format_latency(slowest));
  out += "</title>";

  if (failures > 0) {
    out += R"(<path class="f" d=")";
    for (std::size_t i = 0; i < history.size(); ++i) {
      if (!history[i].success())
        fmt::format_to(std::back_inserter(out), "M{} 0v{}", first_x + i, kHeight);
    }
    out += "\"/>";
  }

  // One subpath per run of answered probes; a probe without an answer breaks the line.
  std::string line;
  std::size_t run = 0;
  for (std::size_t i = 0; i <= history.size(); ++i) {
    if (i == history.size() || !answered(history[i])) {
      if (run == 1) line += "h0";  // a lone point: a dot, thanks to the round line cap
      run = 0;
      continue;
    }
    const double scaled = slowest > 0 ? history[i].duration_seconds / slowest : 0;
    const long y = std::lround(kBottom - scaled * (kBottom - kTop));
    fmt::format_to(std::back_inserter(line), run == 0 ? "M{} {}" : " {} {}", first_x + i, y);
    ++run;
  }
  if (!line.empty()) fmt::format_to(std::back_inserter(out), R"(<path class="l" d="{}"/>)", line);
  out += "</svg>";
}

}  // namespace epsitter
