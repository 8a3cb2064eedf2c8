// Reads the expect_* fields that decide a probe's success; regular expressions and JSON paths are
// compiled here, once, so that a bad one is a config error at its position.
#include <stdexcept>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/yaml11_typing.hpp"
#include "expect/json_path.hpp"

namespace epsitter::detail {
namespace {

constexpr double kMaxResponseTimeSeconds = 3'600;
constexpr double kMaxCertDays = 3'650;

StatusRange read_status(const YAML::Node& node, const Where& where) {
  const std::string text = scalar_text(node, node.Mark(), where, "a status code or class");
  const std::string lower = to_lower_ascii(trim(text));
  if (lower.size() == 3 && lower[0] >= '1' && lower[0] <= '5' && lower.substr(1) == "xx") {
    const int hundreds = (lower[0] - '0') * 100;
    return {hundreds, hundreds + 99};
  }
  const std::optional<long long> code = parse_integer(lower);
  if (code && *code >= 100 && *code <= 599) {
    return {static_cast<int>(*code), static_cast<int>(*code)};
  }
  where.fail(node.Mark(),
             quote(text) + " is not a status code (100 to 599) or class (\"2xx\", ...)");
}

std::vector<StatusRange> read_statuses(const Field& field) {
  const YAML::Node& value = field.entry.value;
  if (value.IsScalar()) return {read_status(value, field.where)};
  if (!value.IsSequence() || value.size() == 0) {
    field.fail(
        "expected a status code, a class such as \"2xx\", or a non-empty list of them, "
        "got " +
        describe(value));
  }
  std::vector<StatusRange> statuses;
  for (std::size_t i = 0; i < value.size(); ++i) {
    statuses.push_back(read_status(value[i], field.where.at_index(i)));
  }
  return statuses;
}

Pattern read_pattern(const YAML::Node& node, const YAML::Mark& mark, const Where& where) {
  const std::string text = scalar_text(node, mark, where, "a regular expression");
  try {
    return compile_pattern(text);
  } catch (const std::invalid_argument& error) {
    where.fail(mark,
               quote(text) + " is not a valid regular expression (RE2 syntax): " + error.what());
  }
}

std::vector<HeaderExpectation> read_header_patterns(const Field& field) {
  if (!field.entry.value.IsMap()) {
    field.fail("expected a map of header names to regular expressions, got " +
               describe(field.entry.value));
  }
  std::vector<HeaderExpectation> headers;
  for (const Entry& entry : map_entries(field.entry.value, field.where, "header")) {
    const Where where = field.where.at(entry.name());
    if (entry.name().empty()) where.fail(entry.key.Mark(), "a header name cannot be empty");
    headers.push_back({entry.name(), read_pattern(entry.value, entry.value_mark(), where)});
  }
  return headers;
}

double read_cert_days(const Field& field) {
  const std::string text = text_of(field, "a number of days");
  const std::optional<double> days = parse_decimal(trim(text));
  if (!days) field.fail(quote(text) + " is not a number of days");
  if (!(*days >= 0) || *days > kMaxCertDays) {
    field.fail(quote(text) + " is out of range: expected 0 to 3650 days");
  }
  return *days;
}

}  // namespace

void read_expectation_fields(const Fields& fields, Target& target) {
  // Written only when a field is there: most targets keep the shared default expectations.
  const auto expect = [&target]() -> Expectations& { return target.extras.write().expect; };
  if (const Field* field = find_field(fields, "expect_status")) {
    expect().status = read_statuses(*field);
  }
  if (const Field* field = find_field(fields, "expect_body")) {
    expect().body = read_pattern(field->entry.value, field->mark(), field->where);
  }
  if (const Field* field = find_field(fields, "expect_body_absent")) {
    expect().body_absent = read_pattern(field->entry.value, field->mark(), field->where);
  }
  if (const Field* field = find_field(fields, "expect_headers")) {
    expect().headers = read_header_patterns(*field);
  }
  if (const Field* field = find_field(fields, "expect_json")) {
    expect().json = read_json_expectations(*field);
  }
  if (const Field* field = find_field(fields, "max_response_time")) {
    expect().max_response_time = seconds_to_millis(seconds_of(*field, kMaxResponseTimeSeconds));
  }
  if (const Field* field = find_field(fields, "min_cert_days")) {
    expect().min_cert_days = read_cert_days(*field);
  }
}

}  // namespace epsitter::detail
