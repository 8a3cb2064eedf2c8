// Unit tests for reading expect_json operators from the config and from annotations: what is
// accepted, and every refusal naming file, line, path and operator.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config_text.hpp"

using namespace epsitter;
using Catch::Contains;
using namespace epsitter::testing;

TEST_CASE("expect_json reads each operator with its operand", "[config][expect_json]") {
  const Target target = target_with(
      "    expect_json:\n"
      "      a: {exists: true}\n"
      "      b: {gt: 1}\n"
      "      c: {ge: 1.5}\n"
      "      d: {lt: -2}\n"
      "      e: {le: 0}\n"
      "      f: {in: [UP, 3, \"3\"]}\n"
      "      g: {matches: '^v[0-9]+'}\n"
      "      h: {length: 2}\n"
      "      i: {eq: {x: 1}}\n"
      "      items.*.state: ok\n"
      "      items.*.gone: {exists: no}\n");
  const auto& json = target.extras->expect.json;
  REQUIRE(json.size() == 11);
  CHECK(json[0].op == JsonOperator::exists);
  CHECK(json[0].expected_json == "true");
  CHECK(json[1].op == JsonOperator::gt);
  CHECK(json[1].expected_json == "1");
  CHECK(json[2].expected_json == "1.5");
  CHECK(json[3].op == JsonOperator::lt);
  CHECK(json[4].op == JsonOperator::le);
  CHECK(json[5].op == JsonOperator::in);
  CHECK(json[5].expected_json == R"(["UP",3,"3"])");
  CHECK(json[6].op == JsonOperator::matches);
  REQUIRE(json[6].pattern);
  CHECK(json[6].pattern->text == "^v[0-9]+");
  CHECK(json[7].op == JsonOperator::length);
  CHECK(json[8].op == JsonOperator::eq);
  CHECK(json[8].expected_json == R"({"x":1})");
  CHECK(json[9].op == JsonOperator::equals);
  CHECK(json[9].every == std::vector<bool>{false, true, false});
  CHECK(json[10].expected_json == "false");
}

TEST_CASE("expect_json operator errors name file, line, path and operator",
          "[config][expect_json]") {
  const auto check = [](const std::string& fields, const std::string& field, int line,
                        const std::string& message) {
    const ConfigError error = field_error(fields);
    INFO(message_of(error));
    CHECK(error.file() == "sitter.yaml");
    CHECK(error.line() == line);
    CHECK(error.field() == field);
    CHECK_THAT(message_of(error), Contains(message));
  };
  check("    expect_json:\n      count: {gte: 1}\n", "urls.t.expect_json.count.gte", 5,
        R"("gte" of "count" is not an operator (did you mean "gt"?))");
  check("    expect_json:\n      count: {ge: 1, le: 5}\n", "urls.t.expect_json.count", 5,
        R"(the value of "count" is a map of 2 keys: an operator map has exactly one)");
  check("    expect_json:\n      count: {}\n", "urls.t.expect_json.count", 5, "a map of 0 keys");
  check("    expect_json:\n      count: {gt: x}\n", "urls.t.expect_json.count.gt", 5,
        R"(the operator gt of "count" takes a number)");
  check("    expect_json:\n      count: {le: \"3\"}\n", "urls.t.expect_json.count.le", 5,
        R"(the operator le of "count" takes a number)");
  check("    expect_json:\n      count: {lt: .nan}\n", "urls.t.expect_json.count.lt", 5,
        "number is not finite");
  check("    expect_json:\n      items: {length: -1}\n", "urls.t.expect_json.items.length", 5,
        R"(the operator length of "items" takes a whole number)");
  check("    expect_json:\n      items: {length: 1.5}\n", "urls.t.expect_json.items.length", 5,
        "takes a whole number");
  check("    expect_json:\n      state: {in: 3}\n", "urls.t.expect_json.state.in", 5,
        R"(the operator in of "state" takes a list of 1 to 1000 values, got a single value)");
  check("    expect_json:\n      state: {in: []}\n", "urls.t.expect_json.state.in", 5,
        "got a list of 0");
  check("    expect_json:\n      state: {exists: maybe}\n", "urls.t.expect_json.state.exists", 5,
        R"(the operator exists of "state" takes true or false)");
  check(
      "    expect_json:\n      version: {matches: 'v(1'}\n", "urls.t.expect_json.version.matches",
      5,
      R"(the operator matches of "version": "v(1" is not a valid regular expression (RE2 syntax): missing ))");
  check("    expect_json:\n      items.*: {exists: false}\n", "urls.t.expect_json.items.*.exists",
        5, R"("items.*" ends in *: {exists: false} would ask every element not to be there)");
  check("    expect_json:\n      items.st*: 1\n", "urls.t.expect_json.items.st*", 5,
        R"("items.st*" is not a dotted path: a * stands for a whole segment)");
}

TEST_CASE("an in list is bounded before it is read", "[config][expect_json]") {
  std::string list = "[0";
  for (int i = 1; i <= 1000; ++i) list += "," + std::to_string(i);
  const ConfigError error = field_error("    expect_json: {n: {in: " + list + "]}}\n");
  CHECK_THAT(message_of(error), Contains("got a list of 1001"));
  CHECK(target_with("    expect_json: {n: {in: [" + list.substr(3) + "]}}\n")
            .extras->expect.json.front()
            .op == JsonOperator::in);
}
