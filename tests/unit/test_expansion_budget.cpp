// Unit tests for the expansion budget: YAML measured with its aliases expanded, from the parser's
// events, before any tree is built; a bomb refused at the alias that passes the limit.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <string>

#include "config/expansion_budget.hpp"

using namespace epsitter;
using Catch::Contains;

namespace {

ExpansionBudget budget(std::size_t max_bytes = 1 << 20, std::size_t max_values = 100'000) {
  return ExpansionBudget{ExpansionLimits{max_bytes, max_values, "the test's text"}};
}

// A leaf of `leaf` bytes, then `levels` lists of `fanout` aliases to the level below.
std::string alias_bomb(std::size_t leaf, int fanout, int levels) {
  std::string text = "l0: &l0 " + std::string(leaf, 'x') + "\n";
  for (int level = 1; level <= levels; ++level) {
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < fanout; ++i) {
      text += (i > 0 ? ", *l" : "*l") + std::to_string(level - 1);
    }
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("a document is measured as its values and their text, keys included", "[budget]") {
  ExpansionBudget measured = budget();
  const ExpandedSize size = measured.charge_document("a: hello\nlist: [1, 22, ~]\nempty:\n");
  // The map, 3 keys, "hello", the list and its 3 items, the null of `empty`; a null has no text.
  CHECK(size.values == 10);
  CHECK(size.bytes == std::string_view{"ahellolist122empty"}.size());
  CHECK(measured.used().values == 10);
  CHECK(measured.charge_document("x").values == 1);  // charges add up
  CHECK(measured.used().values == 11);
}

TEST_CASE("every use of an alias counts what it refers to in full", "[budget]") {
  ExpansionBudget measured = budget();
  const ExpandedSize size = measured.charge_document("base: &b {k: vvvv}\nuses: [*b, *b, *b]\n");
  // The document's map; `base` and its map of a key and a value (3 values, 5 bytes); `uses` and
  // its list, whose aliases count that map's 3 values and 5 bytes each.
  CHECK(size.values == 1 + (1 + 3) + (1 + 1 + 3 * 3));
  CHECK(size.bytes == 4 + 5 + 4 + 3 * 5);
}

TEST_CASE("an alias bomb is refused at the alias that passes the limit", "[budget]") {
  ExpansionBudget measured = budget(1 << 20, 1'000'000);
  try {
    measured.charge_document(alias_bomb(1000, 9, 6));  // 531,441 copies of 1000 bytes
    FAIL("the bomb was accepted");
  } catch (const ExpansionExceeded& error) {
    CHECK(error.mark().line == 4);  // 0-based: level 4's first alias, to 729 KB, passes 1 MiB
    CHECK(error.field() == "l4[0]");
    CHECK_THAT(error.what(), Contains("the test's text grows past 1 MiB of text here"));
  }
  ExpansionBudget few_values = budget(1 << 30, 1'000);
  CHECK_THROWS_WITH(few_values.charge_document(alias_bomb(1, 10, 4)),
                    Contains("grows past 1000 values here"));
}

TEST_CASE("merge keys are measured like any alias, so a merge bomb is refused", "[budget]") {
  std::string text = "m0: &m0 {k: v}\n";
  for (int level = 1; level <= 12; ++level) {
    text += "m" + std::to_string(level) + ": &m" + std::to_string(level) + " {<<: [";
    for (int i = 0; i < 10; ++i) text += (i > 0 ? ", *m" : "*m") + std::to_string(level - 1);
    text += "]}\n";
  }
  ExpansionBudget measured = budget(1 << 20, 100'000);
  CHECK_THROWS_AS(measured.charge_document(text), ExpansionExceeded);
}

TEST_CASE("an alias inside the node it refers to is refused, not followed", "[budget]") {
  ExpansionBudget measured = budget();
  try {
    measured.charge_document("a: &a [1, *a]\n");
    FAIL("accepted");
  } catch (const ExpansionExceeded& error) {
    CHECK(error.field() == "a[1]");
    CHECK_THAT(error.what(), Contains("has an alias (*name) inside the node it refers to"));
  }
}

TEST_CASE("a YAML syntax error comes through as yaml-cpp's", "[budget]") {
  ExpansionBudget measured = budget();
  CHECK_THROWS_AS(measured.charge_document("a: [1, 2\n"), YAML::Exception);
  CHECK_THROWS_AS(measured.charge_document("a: *undefined\n"), YAML::Exception);
}

TEST_CASE("only text that may hold an alias, or could build too big a tree, needs measuring",
          "[budget]") {
  const ExpansionBudget measured = budget(1 << 20, 1'000);
  CHECK_FALSE(measured.needs_measuring("a: {b: [1, 2]}\n"));
  CHECK(measured.needs_measuring("a: *b\n"));
  CHECK(measured.needs_measuring("a: 'star * in a value'\n"));   // conservative
  CHECK_FALSE(measured.needs_measuring(std::string(499, ',')));  // at most ~2 values a byte
  CHECK(measured.needs_measuring(std::string(500, ',')));
  CHECK(budget(100).needs_measuring(std::string(101, 'x')));  // more text than is left
}

TEST_CASE("a built tree is charged as it is; a charge past the limit is refused", "[budget]") {
  ExpansionBudget measured = budget(20, 100);
  const YAML::Node tree = YAML::Load("a: [bb, ccc]\n");
  const ExpandedSize size = measured.charge_tree(tree);
  CHECK(size.values == 5);
  CHECK(size.bytes == 6);
  CHECK_NOTHROW(measured.charge(ExpandedSize{14, 0}));
  CHECK_THROWS_WITH(measured.charge(ExpandedSize{1, 0}), Contains("grows past 20 bytes of text"));
  CHECK(measured.used().bytes == 20);  // a refused charge is not kept
}

TEST_CASE("expanded_size stops counting once it passes its bound", "[budget]") {
  const YAML::Node tree = YAML::Load("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a]\n");
  CHECK(expanded_size(tree, ExpandedSize{1000, 1000}).values == 1 + 2 + 4 + 1 + 4 * 4);
  CHECK(expanded_size(tree, ExpandedSize{1000, 5}).values <= 7);
}
