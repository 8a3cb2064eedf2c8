// A YAML map as the form body the original Python tool sent for it (requests' `data=`): values
// printed as Python's str() prints what PyYAML typed, then urllib.parse.urlencode(doseq=True).
#include "config/form_encoding.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "text/ascii.hpp"

namespace epsitter::detail {
namespace {

// repr(float) since Python 3.1: the shortest digits that read back as the same double, written
// in positional notation unless the decimal exponent is below -4 or above 15 (float_repr_style
// "short": 1e-05, 0.0001, 1234567890123456.0, 1e+16).
std::string python_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(value),
                                    std::chars_format::scientific);
  const std::string_view scientific(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e = scientific.find('e');
  std::string digits{scientific.substr(0, e)};
  if (digits.size() > 1) digits.erase(1, 1);  // "1.25" -> "125"
  const int exponent = std::atoi(std::string{scientific.substr(e + 1)}.c_str());
  const int point = exponent + 1;  // digits are 0.DIGITS x 10^point
  const auto count = static_cast<int>(digits.size());

  std::string text = std::signbit(value) ? "-" : "";
  if (point <= -4 || point > 16) {
    text += digits.substr(0, 1);
    if (count > 1) text += "." + digits.substr(1);
    text += exponent < 0 ? "e-" : "e+";
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) text += '0';
    text += std::to_string(magnitude);
  } else if (point <= 0) {
    text += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= count) {
    text += digits + std::string(static_cast<std::size_t>(point - count), '0') + ".0";
  } else {
    const auto split = static_cast<std::size_t>(point);
    text += digits.substr(0, split) + "." + digits.substr(split);
  }
  return text;
}

void append_quote_plus(std::string& out, std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool safe = text::is_ascii_alnum(c) || c == '_' || c == '.' || c == '-' || c == '~';
    if (safe) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
}

}  // namespace

std::string python_str(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "None";
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case Json::value_t::number_float:
      return python_float(value.get<double>());
    case Json::value_t::string:
      return value.get<std::string>();
    default:
      return value.dump();  // not reached: callers pass scalars only
  }
}

std::string form_urlencode(const FormFields& fields) {
  std::string body;
  for (const auto& [key, value] : fields) {
    if (!body.empty()) body += '&';
    append_quote_plus(body, key);
    body += '=';
    append_quote_plus(body, value);
  }
  return body;
}

}  // namespace epsitter::detail
