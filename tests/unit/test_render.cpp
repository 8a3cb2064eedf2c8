// Unit tests for the /metrics text: names, types, labels, order and prefix.
#include <catch2/catch.hpp>

#include "metrics/render.hpp"

using namespace epsitter;

namespace {

TargetLabels labels(const std::string& name) {
  return TargetLabels{name, "prod", "GET", "http://127.0.0.1:1/x"};
}

}  // namespace

TEST_CASE("the exposition matches the original tool's families, with error reasons") {
  StatsByTarget stats;
  stats[labels("b")].record(ProbeResult{ProbeError::none, 200, 0.5, 0, ""});
  stats[labels("b")].record(ProbeResult{ProbeError::connection_refused, 0, 0.25, 0, ""});
  stats[labels("a")];  // configured, not probed yet
  const std::string expected =
      "# HELP sitter_request_time Time taken by each probe request, in seconds.\n"
      "# TYPE sitter_request_time summary\n"
      "sitter_request_time_count{name=\"a\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\"} 0.0\n"
      "sitter_request_time_sum{name=\"a\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\"} 0.0\n"
      "sitter_request_time_count{name=\"b\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\"} 2.0\n"
      "sitter_request_time_sum{name=\"b\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\"} 0.75\n"
      "# HELP sitter_http_status_code_total Responses received, by HTTP status code.\n"
      "# TYPE sitter_http_status_code_total counter\n"
      "sitter_http_status_code_total{name=\"b\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\",status=\"200\"} 1.0\n"
      "# HELP sitter_http_error_total Probes that got no HTTP response, by reason.\n"
      "# TYPE sitter_http_error_total counter\n"
      "sitter_http_error_total{name=\"b\",namespace=\"prod\",method=\"GET\",url=\"http://"
      "127.0.0.1:1/x\",error=\"connection_refused\"} 1.0\n";
  CHECK(render_exposition("sitter", stats) == expected);
}

TEST_CASE("the prefix names every family and label values are escaped") {
  StatsByTarget stats;
  stats[TargetLabels{"we\"ird\\na\nme", "ns", "POST", "http://h/"}].record(
      ProbeResult{ProbeError::none, 204, 0.1, 0, ""});
  const std::string text = render_exposition("my_app", stats);
  CHECK(text.find("# TYPE my_app_request_time summary\n") != std::string::npos);
  CHECK(text.find("# TYPE my_app_http_status_code_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE my_app_http_error_total counter\n") != std::string::npos);
  CHECK(text.find("name=\"we\\\"ird\\\\na\\nme\"") != std::string::npos);
  CHECK(text.find("sitter_") == std::string::npos);
  CHECK(text.find("_created") == std::string::npos);
}

TEST_CASE("series come out in the same order whatever order results arrived in") {
  StatsByTarget one;
  StatsByTarget two;
  const ProbeResult ok{ProbeError::none, 200, 0.1, 0, ""};
  const ProbeResult gone{ProbeError::none, 404, 0.1, 0, ""};
  one[labels("x")].record(ok);
  one[labels("y")].record(gone);
  one[labels("x")].record(gone);
  two[labels("y")].record(gone);
  two[labels("x")].record(gone);
  two[labels("x")].record(ok);
  CHECK(render_exposition("sitter", one) == render_exposition("sitter", two));
}
