// Unit tests for the probe start delay histogram: buckets, sum, count and its exposition.
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "metrics/start_delay.hpp"

using namespace epsitter;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("an empty histogram renders every bucket at zero", "[start_delay]") {
  const StartDelayHistogram histogram;
  const std::string text = histogram.render("sitter");
  CHECK(text.find("# TYPE sitter_probe_start_delay_seconds histogram\n") != std::string::npos);
  CHECK(text.find("sitter_probe_start_delay_seconds_bucket{le=\"0.001\"} 0.0\n") !=
        std::string::npos);
  CHECK(text.find("sitter_probe_start_delay_seconds_bucket{le=\"+Inf\"} 0.0\n") !=
        std::string::npos);
  CHECK(text.find("sitter_probe_start_delay_seconds_sum 0.0\n") != std::string::npos);
  CHECK(text.find("sitter_probe_start_delay_seconds_count 0.0\n") != std::string::npos);
}

TEST_CASE("delays land in cumulative buckets, bounds inclusive, with their sum", "[start_delay]") {
  StartDelayHistogram histogram;
  histogram.observe(microseconds(400));   // 0.001
  histogram.observe(milliseconds(1));     // 0.001: a bound is inclusive
  histogram.observe(milliseconds(2));     // 0.0025
  histogram.observe(milliseconds(-3));    // early never happens; counted as 0
  histogram.observe(milliseconds(300));   // 0.5
  histogram.observe(milliseconds(9000));  // +Inf
  const std::string text = histogram.render("p");
  const std::vector<std::string> expected{
      "p_probe_start_delay_seconds_bucket{le=\"0.001\"} 3.0\n",
      "p_probe_start_delay_seconds_bucket{le=\"0.0025\"} 4.0\n",
      "p_probe_start_delay_seconds_bucket{le=\"0.25\"} 4.0\n",
      "p_probe_start_delay_seconds_bucket{le=\"0.5\"} 5.0\n",
      "p_probe_start_delay_seconds_bucket{le=\"5.0\"} 5.0\n",
      "p_probe_start_delay_seconds_bucket{le=\"+Inf\"} 6.0\n",
      "p_probe_start_delay_seconds_sum 9.3034\n",
      "p_probe_start_delay_seconds_count 6.0\n",
  };
  std::size_t at = 0;
  for (const std::string& line : expected) {
    const std::size_t found = text.find(line, at);
    CHECK(found != std::string::npos);
    if (found != std::string::npos) at = found;  // and in this order
  }
}

TEST_CASE("observations from many threads are all counted", "[start_delay]") {
  StartDelayHistogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 10'000; ++i) histogram.observe(microseconds(i % 3000));
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(histogram.render("s").find("s_probe_start_delay_seconds_count 40000.0\n") !=
        std::string::npos);
}
