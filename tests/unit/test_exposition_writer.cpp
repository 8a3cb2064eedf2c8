// Unit tests for the Prometheus text writer: escaping and value formatting.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "metrics/exposition_writer.hpp"

using namespace epsitter;

TEST_CASE("label values escape backslash, double quote and newline") {
  CHECK(escape_label_value(R"(a\b)") == R"(a\\b)");
  CHECK(escape_label_value(R"(say "hi")") == R"(say \"hi\")");
  CHECK(escape_label_value("two\nlines") == R"(two\nlines)");
  CHECK(escape_label_value("plain-text_1") == "plain-text_1");
}

TEST_CASE("HELP text escapes backslash and newline but keeps quotes") {
  CHECK(escape_help("a \"b\"\\c\nd") == "a \"b\"\\\\c\\nd");
}

TEST_CASE("values are formatted like Python's repr, as prometheus_client did") {
  CHECK(format_value(0) == "0.0");
  CHECK(format_value(3) == "3.0");
  CHECK(format_value(1234567) == "1234567.0");
  // Integral values are printed as integers: the sign, -0.0 and the largest below 1e16 included.
  CHECK(format_value(-1234567) == "-1234567.0");
  CHECK(format_value(-0.0) == "-0.0");
  CHECK(format_value(9007199254740992.0) == "9007199254740992.0");  // 2^53
  CHECK(format_value(9999999999999998.0) == "9999999999999998.0");
  CHECK(format_value(-9999999999999998.0) == "-9999999999999998.0");
  CHECK(format_value(1e16) == "1e+16");  // repr switches to an exponent here
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(1e-05) == "1e-05");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("a family writes HELP and TYPE, samples write escaped labels in the given order") {
  ExpositionWriter out;
  out.family("x_total", "Things\nseen.", MetricType::counter);
  out.sample("x_total", {{"b", "2"}, {"a", "q\"uote"}}, 7);
  out.sample("x_total", {}, 0.5);
  CHECK(out.take() ==
        "# HELP x_total Things\\nseen.\n"
        "# TYPE x_total counter\n"
        "x_total{b=\"2\",a=\"q\\\"uote\"} 7.0\n"
        "x_total 0.5\n");
}
