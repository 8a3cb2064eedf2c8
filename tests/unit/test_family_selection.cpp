// Unit tests for the `metrics:` switches as /metrics applies them: every family render emits has
// a row in the table, and each switch drops exactly its group's families and nothing else.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "exposition_samples.hpp"
#include "metrics/compressed_exposition.hpp"
#include "metrics/family_selection.hpp"
#include "metrics/render.hpp"
#include "probe_results.hpp"

using namespace epsitter;
using epsitter::testing::result;

namespace {

const std::vector<double> kBounds{0.1, 1};

// One target with a sample in every family: a failed probe (failures, errors), then one over TLS
// with a certificate, a status, a redirect, and extra labels.
StatsByTarget every_family_present() {
  StatsByTarget stats;
  TargetStats& seen = stats[TargetLabels{"t", "prod", "GET", "https://127.0.0.1:1/x"}];
  seen.extra_labels = {{"team", "a"}};
  seen.record(result(ProbeError::connection_refused, 0, 0.01),
              Verdict{FailureReason::connection_refused, ""}, kBounds);
  ProbeResult probe = result(ProbeError::none, 200, 0.2);
  probe.tls_version = "TLSv1.3";
  probe.tls_cipher = "TLS_AES_128_GCM_SHA256";
  probe.redirects = 1;
  probe.cert = CertFacts{};
  probe.cert->subject = "CN=t";
  probe.cert->leaf_not_after = 1'900'000'000;
  probe.cert->chain_not_after = 1'900'000'000;
  seen.record(probe, Verdict{}, kBounds);
  return stats;
}

// The text family by family: name (without the prefix) -> its sample lines.
using Families = std::map<std::string, std::vector<std::string>>;

Families families_of(const std::string& text, const std::string& prefix = "sitter") {
  Families families;
  std::istringstream lines{text};
  std::string line;
  std::string current;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      REQUIRE(name.rfind(prefix, 0) == 0);
      current = name.substr(prefix.size());
      families[current];
    } else if (line.rfind("# ", 0) != 0) {
      REQUIRE_FALSE(current.empty());
      families[current].push_back(line);
    }
  }
  return families;
}

std::string render(const FamilySelection& selection) {
  return render_exposition("sitter", every_family_present(), kBounds, selection);
}

std::set<std::string> group(FamilySwitch by) {
  std::set<std::string> names;
  for (const FamilyGroup& row : family_groups()) {
    if (row.by == by) names.insert(std::string{row.suffix});
  }
  return names;
}

// `all` without the families of `gone`.
Families without(Families all, const std::set<std::string>& gone) {
  for (const std::string& name : gone) all.erase(name);
  return all;
}

}  // namespace

TEST_CASE("every family render emits has a row in the table, and every row is rendered") {
  const Families all = families_of(render({}));
  for (const auto& [suffix, samples] : all) {
    CAPTURE(suffix);
    CHECK(switch_of(suffix).has_value());
    CHECK_FALSE(samples.empty());  // the sample target has every family present
  }
  for (const FamilyGroup& row : family_groups()) {
    CAPTURE(row.suffix);
    CHECK(all.count(std::string{row.suffix}) == 1);
  }
  CHECK(all.size() == family_groups().size());
}

TEST_CASE("the always-on families are the outcomes, counters and target_info") {
  CHECK(group(FamilySwitch::always) ==
        std::set<std::string>{"_http_status_code_total", "_http_error_total", "_probe_success",
                              "_probe_failures_total", "_consecutive_failures", "_target_info"});
  CHECK(group(FamilySwitch::phases) == std::set<std::string>{"_request_phase_seconds"});
  CHECK(group(FamilySwitch::summary) == std::set<std::string>{"_request_time"});
  CHECK(group(FamilySwitch::histogram) == std::set<std::string>{"_request_duration_seconds"});
  CHECK(group(FamilySwitch::tls).size() == 5);
  CHECK(group(FamilySwitch::last_probe).size() == 6);
}

TEST_CASE("the defaults render exactly what they did before the switches") {
  const StatsByTarget stats = every_family_present();
  CHECK(render_exposition("sitter", stats, kBounds, FamilySelection{}) ==
        render_exposition("sitter", stats, kBounds));
  FamilySelection classic;
  classic.histogram = HistogramForm::classic;  // the text differs only in the protobuf format
  CHECK(render(classic) == render({}));
}

TEST_CASE("a switch off drops exactly its group's families and nothing else") {
  const Families all = families_of(render({}));
  FamilySelection off;
  FamilySwitch by = FamilySwitch::always;
  SECTION("phases") {
    off.phases = false;
    by = FamilySwitch::phases;
  }
  SECTION("tls") {
    off.tls = false;
    by = FamilySwitch::tls;
  }
  SECTION("last_probe") {
    off.last_probe = false;
    by = FamilySwitch::last_probe;
  }
  SECTION("summary") {
    off.summary = false;
    by = FamilySwitch::summary;
  }
  SECTION("histogram") {
    off.histogram = HistogramForm::none;
    by = FamilySwitch::histogram;
  }
  const std::set<std::string> gone = group(by);
  REQUIRE_FALSE(gone.empty());
  const std::string text = render(off);
  CHECK(families_of(text) == without(all, gone));
  for (const std::string& name : gone) {
    CHECK(text.find("sitter" + name) == std::string::npos);  // no HELP or TYPE line either
  }
}

TEST_CASE("every optional group off leaves the always-on families whole") {
  const FamilySelection off{false, false, false, false, HistogramForm::none};
  const Families all = families_of(render({}));
  const Families left = families_of(render(off));
  Families expected;
  for (const std::string& name : group(FamilySwitch::always)) expected[name] = all.at(name);
  CHECK(left == expected);
}

TEST_CASE("a native histogram keeps its sum and count in text but no buckets") {
  FamilySelection native;
  native.histogram = HistogramForm::native;
  const Families all = families_of(render({}));
  const Families left = families_of(render(native));
  CHECK(without(left, {"_request_duration_seconds"}) ==
        without(all, {"_request_duration_seconds"}));
  const std::vector<std::string>& histogram = left.at("_request_duration_seconds");
  REQUIRE(histogram.size() == 2);
  CHECK(histogram[0].rfind("sitter_request_duration_seconds_sum{", 0) == 0);
  CHECK(histogram[1].rfind("sitter_request_duration_seconds_count{", 0) == 0);
  CHECK(histogram[1].substr(histogram[1].rfind(' ')) == " 2.0");
  // The classic form's sum and count lines, unchanged.
  const std::vector<std::string>& classic = all.at("_request_duration_seconds");
  CHECK(std::vector<std::string>(classic.end() - 2, classic.end()) == histogram);
}

TEST_CASE("switched off on several threads, runs still join family by family") {
  const FamilySelection off{false, true, false, false, HistogramForm::native};
  const StatsByTarget stats = epsitter::testing::probed_targets(2 * kTargetsPerThread, kBounds);
  const std::string whole = render_exposition("sitter", stats, kBounds, off);
  const DeflatedPiece piece = deflate_exposition("sitter", stats, kBounds, 2, off);
  std::string text;
  inflate_piece(piece, [&text](std::string_view chunk) {
    text += chunk;
    return true;
  });
  CHECK(text == whole);
  CHECK(whole.find("sitter_request_phase_seconds") == std::string::npos);
}

TEST_CASE("each histogram form's kinds in the protobuf format") {
  CHECK(has_classic_buckets(HistogramForm::classic));
  CHECK_FALSE(has_native_histogram(HistogramForm::classic));
  CHECK_FALSE(has_classic_buckets(HistogramForm::native));
  CHECK(has_native_histogram(HistogramForm::native));
  CHECK(has_classic_buckets(HistogramForm::both));
  CHECK(has_native_histogram(HistogramForm::both));
  CHECK_FALSE(has_classic_buckets(HistogramForm::none));
  CHECK_FALSE(has_native_histogram(HistogramForm::none));
}
