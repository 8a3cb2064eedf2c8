// Unit tests for the dotted JSON path reader used by expect_json.
#include <catch2/catch.hpp>

#include "expect/json_path.hpp"

using namespace epsitter;
using nlohmann::json;
using Segments = std::vector<std::string>;

TEST_CASE("a dotted path splits into keys, with \\. for a dot inside a key", "[json_path]") {
  CHECK(split_json_path("status") == Segments{"status"});
  CHECK(split_json_path("checks.0.state") == Segments{"checks", "0", "state"});
  CHECK(split_json_path(R"(a\.b.c)") == Segments{"a.b", "c"});
  CHECK(split_json_path(R"(a\\b)") == Segments{R"(a\b)"});
}

TEST_CASE("malformed paths are rejected", "[json_path]") {
  CHECK_THROWS_AS(split_json_path(""), std::invalid_argument);
  CHECK_THROWS_AS(split_json_path("a..b"), std::invalid_argument);
  CHECK_THROWS_AS(split_json_path(".a"), std::invalid_argument);
  CHECK_THROWS_AS(split_json_path("a."), std::invalid_argument);
  CHECK_THROWS_AS(split_json_path("a\\"), std::invalid_argument);
}

TEST_CASE("paths walk objects by key and arrays by index", "[json_path]") {
  const json document = json::parse(
      R"({"status": "UP", "checks": [{"state": "ok"}, {"state": "down"}], "0": "key zero",
          "a.b": 1, "nested": {"list": [[10, 20]]}})");
  CHECK(*find_json_path(document, {"status"}) == "UP");
  CHECK(*find_json_path(document, {"checks", "0", "state"}) == "ok");
  CHECK(*find_json_path(document, {"checks", "1", "state"}) == "down");
  CHECK(*find_json_path(document, {"0"}) == "key zero");  // an object key that looks like a number
  CHECK(*find_json_path(document, {"a.b"}) == 1);
  CHECK(*find_json_path(document, {"nested", "list", "0", "1"}) == 20);
}

TEST_CASE("paths that lead nowhere give nullptr", "[json_path]") {
  const json document = json::parse(R"({"checks": [{"state": "ok"}], "n": 5})");
  CHECK(find_json_path(document, {"missing"}) == nullptr);
  CHECK(find_json_path(document, {"checks", "1"}) == nullptr);
  CHECK(find_json_path(document, {"checks", "x"}) == nullptr);
  CHECK(find_json_path(document, {"checks", "-1"}) == nullptr);
  CHECK(find_json_path(document, {"checks", "99999999999999999999"}) == nullptr);
  CHECK(find_json_path(document, {"n", "x"}) == nullptr);
}

TEST_CASE("bodies that are not JSON, or nest too deeply, are not parsed", "[json_path]") {
  CHECK(parse_json_body(R"({"a": [1, 2]})"));
  CHECK_FALSE(parse_json_body("not json"));
  CHECK_FALSE(parse_json_body(R"({"a": )"));  // cut off, as at body_limit
  CHECK_FALSE(parse_json_body(std::string(100'000, '[') + std::string(100'000, ']')));
  CHECK(parse_json_body(R"({"text": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})", 4));
  CHECK_FALSE(parse_json_body("[[[[[1]]]]]", 4));
}
