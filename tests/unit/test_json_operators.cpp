// Unit tests for expect_json's operators and `*` paths, held against documents by the evaluator.
#include <catch2/catch.hpp>

#include "expect/evaluator.hpp"
#include "expect/json_check.hpp"
#include "expect/json_path.hpp"

using namespace epsitter;
using Catch::Contains;

namespace {

JsonExpectation expecting(const std::string& path, JsonOperator op, const std::string& operand) {
  JsonPathPattern parsed = parse_json_path_pattern(path);
  return make_json_expectation(path, std::move(parsed.segments), std::move(parsed.every), op,
                               operand);
}

// Why `document` fails the expectation; empty when it holds.
std::string failure(const std::string& path, JsonOperator op, const std::string& operand,
                    const std::string& document) {
  return check_json_expectation(expecting(path, op, operand), nlohmann::json::parse(document))
      .value_or("");
}

bool holds(const std::string& path, JsonOperator op, const std::string& operand,
           const std::string& document) {
  return failure(path, op, operand, document).empty();
}

}  // namespace

TEST_CASE("a * segment is whole; \\* is a key named *", "[json_operators]") {
  const JsonPathPattern every = parse_json_path_pattern("items.*.state");
  CHECK(every.segments == std::vector<std::string>{"items", "*", "state"});
  CHECK(every.every == std::vector<bool>{false, true, false});
  const JsonPathPattern literal = parse_json_path_pattern(R"(items.\*)");
  CHECK(literal.segments == std::vector<std::string>{"items", "*"});
  CHECK(literal.every == std::vector<bool>{false, false});
  CHECK(parse_json_path_pattern(R"(a\\.*)").every == std::vector<bool>{false, true});
  CHECK_THROWS_WITH(parse_json_path_pattern("items.st*"),
                    Contains("a * stands for a whole segment"));
  CHECK_THROWS_WITH(parse_json_path_pattern("**"), Contains("a * stands for a whole segment"));
  CHECK_NOTHROW(parse_json_path_pattern(R"(a\*b)"));
}

TEST_CASE("exists tells a present value (null included) from a missing one", "[json_operators]") {
  CHECK(holds("a", JsonOperator::exists, "true", R"({"a": null})"));
  CHECK(holds("a.b", JsonOperator::exists, "false", R"({"a": 1})"));
  CHECK(holds("a.0", JsonOperator::exists, "true", R"({"a": [0]})"));
  CHECK(failure("a", JsonOperator::exists, "true", R"({})") == "a is missing (a: exists)");
  CHECK(failure("a", JsonOperator::exists, "false", R"({"a": 1})") == "a exists (a: exists)");
}

TEST_CASE("gt, ge, lt and le compare numbers only", "[json_operators]") {
  CHECK(holds("n", JsonOperator::gt, "2", R"({"n": 3})"));
  CHECK_FALSE(holds("n", JsonOperator::gt, "3", R"({"n": 3})"));
  CHECK(holds("n", JsonOperator::ge, "3", R"({"n": 3.0})"));
  CHECK_FALSE(holds("n", JsonOperator::ge, "3.5", R"({"n": 3})"));
  CHECK(holds("n", JsonOperator::lt, "0", R"({"n": -1})"));
  CHECK_FALSE(holds("n", JsonOperator::lt, "-1", R"({"n": -1})"));
  CHECK(holds("n", JsonOperator::le, "0.5", R"({"n": 0.5})"));
  CHECK(failure("n", JsonOperator::le, "1", R"({"n": 2})") == "n is out of range (n: le)");
  CHECK(failure("n", JsonOperator::gt, "1", R"({"n": "3"})") == "n is not a number (n: gt)");
  CHECK(failure("n", JsonOperator::gt, "1", R"({"n": true})") == "n is not a number (n: gt)");
  CHECK(failure("n", JsonOperator::gt, "1", R"({})") == "n is missing (n: gt)");
}

TEST_CASE("in compares with each listed value, typed", "[json_operators]") {
  CHECK(holds("s", JsonOperator::in, R"(["UP", "OK"])", R"({"s": "OK"})"));
  CHECK(holds("n", JsonOperator::in, R"([1, 3])", R"({"n": 3.0})"));
  CHECK(failure("n", JsonOperator::in, R"([1, 2])", R"({"n": "1"})") ==
        "n is not one of the listed values (n: in)");
  CHECK(failure("s", JsonOperator::in, R"(["UP"])", R"({})") == "s is missing (s: in)");
  // The list is sorted at load for lookups: every kind is still found, and only it.
  const std::string mixed = R"([true, "b", 3, null, "a", 2.5, {"x": 1}, [1], -1, false])";
  for (const char* present :
       {"true", R"("b")", "3.0", "null", R"("a")", "2.5", R"({"x": 1})", "[1]", "-1", "false"}) {
    INFO(present);
    CHECK(holds("v", JsonOperator::in, mixed, std::string(R"({"v": )") + present + "}"));
  }
  for (const char* absent : {R"("c")", "2", R"("3")", R"({"x": 2})", "[]", "0"}) {
    INFO(absent);
    CHECK_FALSE(holds("v", JsonOperator::in, mixed, std::string(R"({"v": )") + absent + "}"));
  }
}

TEST_CASE("matches holds a string against an RE2 pattern, anywhere in it", "[json_operators]") {
  CHECK(holds("v", JsonOperator::matches, R"("^1\\.2")", R"({"v": "1.2.3"})"));
  CHECK(holds("v", JsonOperator::matches, R"("ok")", R"({"v": "all ok here"})"));
  CHECK(failure("v", JsonOperator::matches, R"("^ok$")", R"({"v": "all ok"})") ==
        "v does not match (v: matches)");
  // A number is not matched on its JSON text.
  CHECK(failure("v", JsonOperator::matches, R"("3")", R"({"v": 3})") ==
        "v is not a string (v: matches)");
  CHECK_THROWS_AS(expecting("v", JsonOperator::matches, R"("(")"), std::invalid_argument);
}

TEST_CASE("length counts elements, members and UTF-8 code points", "[json_operators]") {
  CHECK(holds("a", JsonOperator::length, "3", R"({"a": [1, 2, 3]})"));
  CHECK(holds("a", JsonOperator::length, "0", R"({"a": []})"));
  CHECK(holds("o", JsonOperator::length, "2", R"({"o": {"x": 1, "y": 2}})"));
  CHECK(holds("s", JsonOperator::length, "4", "{\"s\": \"h\u00e9\u20ac\U0001F600\"}"));
  CHECK_FALSE(holds("s", JsonOperator::length, "10", "{\"s\": \"h\u00e9\u20ac\U0001F600\"}"));
  CHECK(failure("a", JsonOperator::length, "1", R"({"a": [1, 2]})") ==
        "a has another length (a: length)");
  CHECK(failure("n", JsonOperator::length, "1", R"({"n": 1})") ==
        "n has no length (not an array, object or string) (n: length)");
  CHECK_THROWS_AS(expecting("a", JsonOperator::length, "-1"), std::invalid_argument);
  CHECK_THROWS_AS(expecting("a", JsonOperator::length, "1.5"), std::invalid_argument);
}

TEST_CASE("eq compares a whole object, key order aside", "[json_operators]") {
  CHECK(holds("o", JsonOperator::eq, R"({"b": 2, "a": 1})", R"({"o": {"a": 1, "b": 2.0}})"));
  CHECK_FALSE(holds("o", JsonOperator::eq, R"({"a": 1})", R"({"o": {"a": 1, "b": 2}})"));
}

TEST_CASE("* requires every element of an array or value of an object", "[json_operators]") {
  const std::string doc = R"({"items": [{"state": "ok"}, {"state": "ok"}, {"state": "down"}],
                              "map": {"x": 1, "y": 2}, "empty": [], "scalar": 3})";
  CHECK(failure("items.*.state", JsonOperator::equals, R"("ok")", doc) ==
        "items.2.state differs from the expected value (items.*.state: equals)");
  CHECK(holds("items.*.state", JsonOperator::in, R"(["ok", "down"])", doc));
  CHECK(holds("map.*", JsonOperator::gt, "0", doc));
  CHECK(failure("map.*", JsonOperator::gt, "1", doc) == "map.x is out of range (map.*: gt)");
  // All of none: an empty array satisfies any operator; {length: 0} tells it apart.
  CHECK(holds("empty.*", JsonOperator::equals, R"("anything")", doc));
  CHECK(holds("empty.*.deep", JsonOperator::exists, "true", doc));
  // Not a container, or nothing at all, fails whatever the operator.
  CHECK(failure("scalar.*", JsonOperator::exists, "true", doc) ==
        "scalar is not an array or object (scalar.*: exists)");
  CHECK(failure("missing.*", JsonOperator::equals, "1", doc) ==
        "missing is missing (missing.*: equals)");
  CHECK(failure("missing.*.x", JsonOperator::exists, "false", doc) ==
        "missing is missing (missing.*.x: exists)");
  // Missing under a *: each element is held to the operator on its own.
  CHECK(holds("items.*.other", JsonOperator::exists, "false", doc));
  CHECK(failure("items.*.other", JsonOperator::exists, "true", doc) ==
        "items.0.other is missing (items.*.other: exists)");
  CHECK(holds("*", JsonOperator::exists, "true", doc));  // the root's every member
  CHECK(holds("items.*.*", JsonOperator::matches, R"("^(ok|down)$")", doc));
}

TEST_CASE("a plain value keeps its old messages and the json reason", "[json_operators]") {
  Expectations expect;
  expect.json = {expecting("count", JsonOperator::ge, "1")};
  ProbeResult result;
  result.status_code = 200;
  result.body = R"({"count": 0})";
  const Verdict verdict = evaluate(expect, result);
  CHECK(verdict.failure == FailureReason::json);
  CHECK(verdict.detail == "count is out of range (count: ge)");
  CHECK(failure("a.b", JsonOperator::equals, "1", R"({"a": 2})") == "a.b is missing");
}
