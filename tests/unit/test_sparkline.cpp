// Unit tests for the latency sparkline's SVG.
#include <catch2/catch.hpp>

#include "status/sparkline.hpp"

using namespace epsitter;

namespace {

ProbeRecord answered(double seconds, int status = 200) {
  ProbeRecord record;
  record.duration_seconds = seconds;
  record.status_code = status;
  if (status >= 300) record.failure = FailureReason::status;
  return record;
}

ProbeRecord failed(double seconds) {
  ProbeRecord record;
  record.duration_seconds = seconds;
  record.failure = FailureReason::timeout;
  return record;
}

std::string svg(const std::vector<ProbeRecord>& history, std::size_t capacity) {
  std::string out;
  append_sparkline(out, history, capacity);
  return out;
}

}  // namespace

TEST_CASE("an empty history draws nothing") {
  CHECK(svg({}, 120).empty());
}

TEST_CASE("latencies scale to the slowest answer, newest probe at the right edge") {
  const std::string out = svg({answered(0.1), answered(0.2), answered(0.0)}, 10);
  CHECK(out == R"(<svg class="sp" viewBox="0 0 10 24" preserveAspectRatio="none">)"
               "<title>3 probes, 0 failed, slowest answer 200 ms</title>"
               R"(<path class="l" d="M7 12 8 2 9 22"/></svg>)");
}

TEST_CASE("a probe without an answer breaks the line and draws a red bar") {
  const std::string out = svg({answered(0.1), failed(15), answered(0.1, 503), answered(0.1)}, 4);
  CHECK(out.find("<title>4 probes, 2 failed, slowest answer 100 ms</title>") != std::string::npos);
  CHECK(out.find(R"(<path class="f" d="M1 0v24M2 0v24"/>)") != std::string::npos);
  // The timeout's 15 s does not flatten the answers; the lone first answer is a dot (h0).
  CHECK(out.find(R"(<path class="l" d="M0 2h0M2 2 3 2"/>)") != std::string::npos);
}

TEST_CASE("a history of failures only has bars and no line") {
  const std::string out = svg({failed(1), failed(1)}, 2);
  CHECK(out.find(R"(class="f")") != std::string::npos);
  CHECK(out.find(R"(class="l")") == std::string::npos);
  CHECK(out.find("slowest") == std::string::npos);
}
