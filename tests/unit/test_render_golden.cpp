// The text exposition of a fixed StatsByTarget, byte for byte as before the families were written
// through FamilyWriter (render_golden.txt was rendered by that earlier code).
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "fixed_stats.hpp"
#include "metrics/render.hpp"

using namespace epsitter;

TEST_CASE("the text exposition of a fixed set of targets is unchanged") {
  std::ifstream file{std::string{EPSITTER_SOURCE_ROOT} + "/tests/unit/render_golden.txt",
                     std::ios::binary};
  REQUIRE(file);
  const std::string golden{std::istreambuf_iterator<char>(file), {}};
  const std::string text =
      render_exposition("sitter", testing::fixed_stats(), testing::fixed_bounds());
  CHECK(text == golden);
}
