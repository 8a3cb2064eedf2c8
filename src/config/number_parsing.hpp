// Strict number parsing and value quoting, shared so that settings and config agree on both.
#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "text/ascii.hpp"

namespace epsitter::detail {

using text::is_ascii_digit;
using text::trim;

inline std::size_t count_digits(std::string_view text, std::size_t pos) {
  std::size_t count = 0;
  while (pos + count < text.size() && is_ascii_digit(text[pos + count])) ++count;
  return count;
}

// The whole text is a plain decimal number: [+-] digits [. digits] [e [+-] digits], with a digit on
// at least one side of the point. strtod and from_chars also take "inf", "nan" and hex, which a
// setting never means.
inline bool is_decimal_number(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  const std::size_t whole_digits = count_digits(text, pos);
  pos += whole_digits;
  std::size_t fraction_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    fraction_digits = count_digits(text, ++pos);
    pos += fraction_digits;
  }
  if (whole_digits + fraction_digits == 0) return false;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    const std::size_t exponent_digits = count_digits(text, pos);
    if (exponent_digits == 0) return false;
    pos += exponent_digits;
  }
  return pos == text.size();
}

// A whole decimal number, or nullopt (also when a double cannot hold it). from_chars ignores the
// locale, unlike strtod, so "0.5" means the same under any LC_NUMERIC.
inline std::optional<double> parse_decimal(std::string_view text) {
  if (!is_decimal_number(text)) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes no plus sign
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

// A whole non-negative decimal integer: digits only, no sign, point, space or suffix.
inline std::optional<long long> parse_integer(std::string_view text) {
  if (text.empty() || count_digits(text, 0) != text.size()) return std::nullopt;
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

// Rounded to the nearest millisecond, but a positive duration never collapses to 0 ms (which curl
// and the scheduler would read as "no timeout" or "no pause").
inline std::chrono::milliseconds seconds_to_millis(double seconds) {
  return std::chrono::milliseconds{std::max<long long>(1, std::llround(seconds * 1000.0))};
}

// A limit as people write it in a message: 86400, not 86400.000000.
inline std::string format_limit(double value) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << value;
  return out.str();
}

// A size limit as people write it: "16 MiB", "64 KiB" or "1000 bytes".
inline std::string format_bytes(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024;
  if (bytes >= kKiB * kKiB && bytes % (kKiB * kKiB) == 0) {
    return std::to_string(bytes / (kKiB * kKiB)) + " MiB";
  }
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// A measured size, to a tenth: "1.2 MiB", "340.0 KiB", "512 bytes".
inline std::string describe_bytes(std::size_t bytes) {
  constexpr double kKiB = 1024;
  char text[32];
  if (static_cast<double>(bytes) >= kKiB * kKiB) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (kKiB * kKiB));
  } else if (static_cast<double>(bytes) >= kKiB) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / kKiB);
  } else {
    std::snprintf(text, sizeof text, "%zu bytes", bytes);
  }
  return text;
}

// Quotes a value for an error message, escaping quotes and control characters so that a stray
// newline cannot forge a second log line.
inline std::string quote(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\r') {
      quoted += "\\r";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace epsitter::detail
