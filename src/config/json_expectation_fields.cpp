// Reads expect_json: each dotted path (maybe with `*` segments) to a plain value or to one operator
// map ({gt: 3}, {matches: "^ok"}, ...), checked and compiled here so that a bad one is a config
// error at its position, and bounded so that an annotation cannot make a probe's check costly.
#include <algorithm>
#include <stdexcept>

#include "config/input_limits.hpp"
#include "config/named_values.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/yaml11_typing.hpp"
#include "expect/json_path.hpp"

namespace epsitter::detail {
namespace {

const std::vector<NamedValue<JsonOperator>> kOperators{
    {"eq", JsonOperator::eq}, {"exists", JsonOperator::exists},   {"gt", JsonOperator::gt},
    {"ge", JsonOperator::ge}, {"lt", JsonOperator::lt},           {"le", JsonOperator::le},
    {"in", JsonOperator::in}, {"matches", JsonOperator::matches}, {"length", JsonOperator::length},
};

// One operator's operand as the JSON make_json_expectation takes, or a ConfigError naming the
// path, the operator and what it takes.
std::string read_operand(JsonOperator op, const Entry& entry, const std::string& path,
                         const Where& where) {
  const std::string name = json_operator_name(op);
  const std::string what = "the operator " + name + " of " + quote(path);
  const YAML::Mark mark = entry.value_mark();
  if (op == JsonOperator::matches) {
    const std::string text = scalar_text(entry.value, mark, where, "a regular expression");
    try {
      compile_pattern(text);  // the same RE2 options, memory budget included, as expect_body's
    } catch (const std::invalid_argument& error) {
      where.fail(mark, what + ": " + quote(text) +
                           " is not a valid regular expression (RE2 syntax): " + error.what());
    }
    return dump_json(Json(text), mark, where);
  }
  if (op == JsonOperator::in) {
    // Counted before anything is converted: a huge list costs nothing but this error.
    if (!entry.value.IsSequence() || entry.value.size() == 0 ||
        entry.value.size() > kMaxJsonInValues) {
      where.fail(mark,
                 what + " takes a list of 1 to " + std::to_string(kMaxJsonInValues) +
                     " values, got " +
                     (entry.value.IsSequence() ? "a list of " + std::to_string(entry.value.size())
                                               : describe(entry.value)));
    }
  }
  const Json operand = yaml_to_json(entry.value, where);
  if (const std::string problem = json_operand_problem(op, operand); !problem.empty()) {
    where.fail(mark, what + " " + problem);
  }
  return dump_json(operand, mark, where);
}

JsonExpectation read_json_expectation(const Entry& entry, const Where& parent) {
  const Where where = parent.at(entry.name());
  JsonPathPattern path;
  try {
    path = parse_json_path_pattern(entry.name());
  } catch (const std::invalid_argument& error) {
    where.fail(entry.key.Mark(), quote(entry.name()) + " is not a dotted path: " + error.what());
  }
  if (!entry.value.IsMap()) {
    const Json expected = yaml_to_json(entry.value, where);
    return make_json_expectation(entry.name(), std::move(path.segments), std::move(path.every),
                                 JsonOperator::equals,
                                 dump_json(expected, entry.value_mark(), where));
  }
  // A map is an operator, never an object to compare with: {eq: {...}} compares an object.
  const std::vector<Entry> operators = map_entries(entry.value, where, "operator");
  if (operators.size() != 1) {
    where.fail(entry.value_mark(),
               "the value of " + quote(entry.name()) + " is a map of " +
                   std::to_string(operators.size()) +
                   " keys: an operator map has exactly one (exists, gt, ge, lt, le, in, "
                   "matches, length, or eq to compare an object)");
  }
  const Entry& written = operators.front();
  const Where operator_where = where.at(written.name());
  const std::optional<JsonOperator> known = value_named(kOperators, written.name());
  if (!known) {
    operator_where.fail(written.key.Mark(), quote(written.name()) + " of " + quote(entry.name()) +
                                                " is not an operator" +
                                                suggestion(written.name(), names_of(kOperators)));
  }
  const bool ends_in_every = path.every.back();
  std::string operand = read_operand(*known, written, entry.name(), operator_where);
  if (*known == JsonOperator::exists && ends_in_every && operand == "false") {
    operator_where.fail(written.value_mark(),
                        quote(entry.name()) +
                            " ends in *: {exists: false} would ask every element not to be there; "
                            "write {length: 0} on the path without the *");
  }
  return make_json_expectation(entry.name(), std::move(path.segments), std::move(path.every),
                               *known, std::move(operand));
}

}  // namespace

std::vector<JsonExpectation> read_json_expectations(const Field& field) {
  if (!field.entry.value.IsMap()) {
    field.fail(
        "expected a map of dotted paths to values (status: UP) or operators ({gt: 0}), got " +
        describe(field.entry.value));
  }
  std::vector<JsonExpectation> expectations;
  for (const Entry& entry : map_entries(field.entry.value, field.where, "path")) {
    expectations.push_back(read_json_expectation(entry, field.where));
  }
  return expectations;
}

}  // namespace epsitter::detail
