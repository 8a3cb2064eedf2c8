// Host-name patterns: '*' is any run of characters, the rest matches itself in any case.
#include <catch2/catch.hpp>

#include "text/glob.hpp"

using namespace epsitter;

TEST_CASE("globs match with backtracking, ignoring case", "[glob]") {
  CHECK(text::glob_matches("*", ""));
  CHECK(text::glob_matches("a*b*c", "aXbYbZc"));
  CHECK(text::glob_matches("*.svc.*", "x.svc.y"));
  CHECK_FALSE(text::glob_matches("a*b", "aXbY"));
  CHECK(text::glob_matches("A*", "abc"));
  CHECK_FALSE(text::glob_matches("", "a"));
  CHECK(text::glob_matches("**x", "abx"));
}

TEST_CASE("host patterns: '*' is any run of characters, nothing else is special", "[glob]") {
  CHECK(text::glob_matches("*.shop.example", "api.shop.example"));
  CHECK(text::glob_matches("*.shop.example", "a.b.shop.example"));
  CHECK_FALSE(text::glob_matches("*.shop.example", "shop.example"));
  CHECK_FALSE(text::glob_matches("*.shop.example", "api.shop.example.evil"));
  CHECK(text::glob_matches("api-*.example", "api-1.example"));
  CHECK(text::glob_matches("*", "anything"));
  CHECK(text::glob_matches("exact.example", "exact.example"));
  CHECK_FALSE(text::glob_matches("exact.example", "exactXexample"));
  CHECK(text::glob_matches("**a*b", "xxaxxb"));
}
