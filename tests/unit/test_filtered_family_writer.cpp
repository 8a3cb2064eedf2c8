// Unit tests for the family filter in front of a format: whole families and histogram parts left
// out, the rest unchanged.
#include <catch2/catch.hpp>
#include <string>

#include "fixed_stats.hpp"
#include "metrics/filtered_family_writer.hpp"
#include "metrics/render.hpp"
#include "metrics/text_family_writer.hpp"

using namespace epsitter;

namespace {

std::string filtered(FilteredFamilyWriter::Filter filter) {
  TextFamilyWriter text;
  FilteredFamilyWriter out{text, std::move(filter)};
  render_families("sitter", testing::fixed_stats(), testing::fixed_bounds(), out);
  out.finish();
  return text.take();
}

}  // namespace

TEST_CASE("without a filter the text is the unfiltered text") {
  CHECK(filtered({}) ==
        render_exposition("sitter", testing::fixed_stats(), testing::fixed_bounds()));
}

TEST_CASE("a family left out is left out whole, and the others stay as they were") {
  const std::string text =
      filtered({[](std::string_view family) { return family != "sitter_request_phase_seconds"; }});
  CHECK(text.find("sitter_request_phase_seconds") == std::string::npos);
  const std::string full =
      render_exposition("sitter", testing::fixed_stats(), testing::fixed_bounds());
  const auto start = full.find("# HELP sitter_request_phase_seconds");
  const auto end = full.find("# HELP sitter_last_status_code");
  REQUIRE(start < end);
  CHECK(text == full.substr(0, start) + full.substr(end));
}

TEST_CASE("a histogram's classic buckets can be left out, keeping its sum and count") {
  const std::string text = filtered({{}, false, true});
  CHECK(text.find("sitter_request_duration_seconds_bucket") == std::string::npos);
  CHECK(text.find("sitter_request_duration_seconds_count{") != std::string::npos);
  CHECK(text.find("sitter_request_duration_seconds_sum{") != std::string::npos);
}
