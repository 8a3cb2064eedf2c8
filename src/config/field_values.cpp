// Value readers shared by every field: text, seconds, true/false and file paths.
#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "config/file_text.hpp"
#include "config/number_parsing.hpp"
#include "config/target_fields.hpp"
#include "config/yaml11_typing.hpp"

namespace epsitter::detail {
namespace {

// Certificates and CA bundles are far smaller; a bigger file is surely the wrong one.
constexpr std::size_t kMaxCheckedFileBytes = 16 << 20;

}  // namespace

const Field* find_field(const Fields& fields, std::string_view name) {
  const auto found = std::find_if(fields.begin(), fields.end(),
                                  [&](const Field& field) { return field.name() == name; });
  return found == fields.end() ? nullptr : &*found;
}

std::string text_of(const Field& field, const std::string& expected) {
  return scalar_text(field.entry.value, field.mark(), field.where, expected);
}

std::optional<std::string> optional_text(const Fields& fields, std::string_view name,
                                         const std::string& expected) {
  const Field* field = find_field(fields, name);
  if (field == nullptr) return std::nullopt;
  return text_of(*field, expected);
}

double seconds_of(const Field& field, double max_seconds) {
  const std::string text = text_of(field, "a number of seconds");
  const std::optional<double> seconds = parse_decimal(trim(text));
  if (!seconds) field.fail(quote(text) + " is not a number of seconds");
  if (!(*seconds > 0) || *seconds > max_seconds) {
    field.fail(quote(text) +
               " is out of range: expected a number of seconds greater than 0 (at most " +
               format_limit(max_seconds) + ")");
  }
  return *seconds;
}

bool flag_of(const Field& field) {
  const std::string text = text_of(field, "true or false");
  const std::optional<bool> value = yaml11_bool(text);
  if (!value) field.fail(quote(text) + " is not true or false");
  return *value;
}

std::string path_of(const Field& field) {
  const std::string text = text_of(field, "a file path");
  if (text.empty()) field.fail("expected a file path, got an empty value");
  const std::string& base = field.where.context->base_dir;
  const std::string path = text.front() == '/' || base.empty() ? text : base + "/" + text;
  // Checked here, not only by whoever uses it later, so that a typo is a config error at its line.
  try {
    check_file_readable(path, kMaxCheckedFileBytes);
  } catch (const FileReadError& error) {
    field.fail("cannot read file " + quote(path) + ": " + error.what());
  }
  return path;
}

}  // namespace epsitter::detail
