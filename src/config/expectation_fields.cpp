// Reads the expect_* fields that decide a probe's success; regular expressions and JSON paths are
// compiled here, once, so that a bad one is a config error at its position.
#include <stdexcept>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/yaml11_typing.hpp"
#include "expect/json_path.hpp"
#include "probe/protocol_options.hpp"

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

// "1.1", "2", and blackbox_exporter's spelling "HTTP/1.1", "HTTP/2.0".
double read_http_version(const YAML::Node& node, const Where& where) {
  const std::string text = scalar_text(node, node.Mark(), where, "an HTTP version");
  std::string version = to_upper_ascii(trim(text));
  if (version.rfind("HTTP/", 0) == 0) version.erase(0, 5);
  if (version == "1.0") return 1.0;
  if (version == "1.1") return 1.1;
  if (version == "2" || version == "2.0") return 2;
  if (version == "3" || version == "3.0") return 3;
  where.fail(node.Mark(), quote(text) +
                              " is not an HTTP version: expected 1.0, 1.1, 2 or 3 "
                              "(or HTTP/1.1, HTTP/2.0, ...)");
}

std::vector<double> read_http_versions(const Field& field) {
  const YAML::Node& value = field.entry.value;
  if (value.IsScalar()) return {read_http_version(value, field.where)};
  if (!value.IsSequence() || value.size() == 0) {
    field.fail("expected an HTTP version or a non-empty list of them, got " + describe(value));
  }
  std::vector<double> versions;
  for (std::size_t i = 0; i < value.size(); ++i) {
    versions.push_back(read_http_version(value[i], field.where.at_index(i)));
  }
  return versions;
}

// Refused at load when this libcurl cannot decode it: a probe could never pass.
std::string read_compression(const Field& field) {
  const std::string text = text_of(field, "gzip, br, deflate or identity");
  const std::string coding = to_lower_ascii(trim(text));
  if (coding != "gzip" && coding != "br" && coding != "deflate" && coding != "identity") {
    field.fail(quote(text) + " is not a content coding: expected gzip, br, deflate or identity");
  }
  if (!curl_decodes(coding)) {
    field.fail(quote(text) + " cannot be decoded: this libcurl was built without it");
  }
  return coding;
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
  if (const Field* field = find_field(fields, "expect_headers_absent")) {
    expect().headers_absent = read_header_patterns(*field);
  }
  if (const Field* field = find_field(fields, "expect_http_version")) {
    expect().http_versions = read_http_versions(*field);
  }
  if (const Field* field = find_field(fields, "expect_tls")) expect().tls = flag_of(*field);
  if (const Field* field = find_field(fields, "compression")) {
    expect().compression = read_compression(*field);
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
