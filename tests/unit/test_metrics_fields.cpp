// Unit tests for the config's `metrics:` block: each switch, its defaults, and its errors with
// file, line and field.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config_text.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using Catch::Contains;

namespace {

const std::string kTargets = "urls:\n  t:\n    url: http://h/\n";

FamilySelection selection_of(const std::string& metrics_block) {
  return parse(kTargets + metrics_block).families;
}

}  // namespace

TEST_CASE("without a metrics block, or with an empty one, every family is on", "[config]") {
  const FamilySelection all_on{};
  CHECK(all_on.phases);
  CHECK(all_on.tls);
  CHECK(all_on.last_probe);
  CHECK(all_on.summary);
  CHECK(all_on.histogram == HistogramForm::both);
  CHECK(parse(kTargets).families == all_on);
  CHECK(selection_of("metrics:\n") == all_on);
  CHECK(selection_of("metrics: {}\n") == all_on);
}

TEST_CASE("each metrics switch is read on its own", "[config]") {
  FamilySelection expected;
  SECTION("phases") {
    expected.phases = false;
    CHECK(selection_of("metrics:\n  phases: false\n") == expected);
  }
  SECTION("tls") {
    expected.tls = false;
    CHECK(selection_of("metrics:\n  tls: no\n") == expected);  // YAML 1.1, as everywhere
  }
  SECTION("last_probe") {
    expected.last_probe = false;
    CHECK(selection_of("metrics:\n  last_probe: false\n") == expected);
  }
  SECTION("summary") {
    expected.summary = false;
    CHECK(selection_of("metrics:\n  summary: false\n") == expected);
  }
  SECTION("true keeps a family on") {
    CHECK(selection_of("metrics:\n  phases: true\n  summary: true\n") == expected);
  }
}

TEST_CASE("the histogram takes each of its four forms", "[config]") {
  CHECK(selection_of("metrics:\n  histogram: classic\n").histogram == HistogramForm::classic);
  CHECK(selection_of("metrics:\n  histogram: native\n").histogram == HistogramForm::native);
  CHECK(selection_of("metrics:\n  histogram: both\n").histogram == HistogramForm::both);
  CHECK(selection_of("metrics:\n  histogram: none\n").histogram == HistogramForm::none);
}

TEST_CASE("every switch at once", "[config]") {
  const FamilySelection read = selection_of(
      "metrics:\n  phases: false\n  tls: false\n  last_probe: false\n  summary: false\n"
      "  histogram: none\n");
  CHECK(read == FamilySelection{false, false, false, false, HistogramForm::none});
}

TEST_CASE("an unknown key under metrics names its line and suggests the known one",
          "[config][errors]") {
  const ConfigError error = error_for(kTargets + "metrics:\n  phases: false\n  phase: false\n");
  CHECK(error.file() == "sitter.yaml");
  CHECK(error.line() == 6);
  CHECK(error.column() == 3);
  CHECK(error.field() == "metrics.phase");
  CHECK_THAT(message_of(error), Contains(R"(unknown key "phase" (did you mean "phases"?))"));
}

TEST_CASE("a switch that is not true or false is an error at its value", "[config][errors]") {
  const ConfigError error = error_for(kTargets + "metrics:\n  tls: off please\n");
  CHECK(error.line() == 5);
  CHECK(error.column() == 8);
  CHECK(error.field() == "metrics.tls");
  CHECK(message_of(error) == R"(sitter.yaml:5:8: metrics.tls: "off please" is not true or false)");
  CHECK(error_for(kTargets + "metrics:\n  summary: [false]\n").field() == "metrics.summary");
}

TEST_CASE("an unknown histogram form is an error listing the forms", "[config][errors]") {
  const ConfigError error = error_for(kTargets + "metrics:\n  histogram: nativ\n");
  CHECK(error.line() == 5);
  CHECK(error.column() == 14);
  CHECK(error.field() == "metrics.histogram");
  CHECK_THAT(message_of(error), Contains(R"("nativ" is not a histogram form: expected one of)"));
  CHECK_THAT(message_of(error), Contains("classic, native, both, none"));
  CHECK_THAT(message_of(error), Contains(R"(did you mean "native"?)"));
  CHECK(error_for(kTargets + "metrics:\n  histogram: false\n").field() == "metrics.histogram");
  // The forms are spelled as documented, in lower case.
  CHECK_THAT(message_of(error_for(kTargets + "metrics:\n  histogram: Native\n")),
             Contains(R"("Native" is not a histogram form)"));
}

TEST_CASE("a metrics block that is not a map is an error", "[config][errors]") {
  const ConfigError error = error_for(kTargets + "metrics: false\n");
  CHECK(error.line() == 4);
  CHECK(error.field() == "metrics");
  CHECK_THAT(message_of(error), Contains("expected a map of switches"));
}

TEST_CASE("a misspelt metrics block is an unknown top-level key", "[config][errors]") {
  const ConfigError error = error_for(kTargets + "metric:\n  tls: false\n");
  CHECK(error.line() == 4);
  CHECK_THAT(message_of(error), Contains(R"(did you mean "metrics"?)"));
}
