// ASCII text helpers every layer uses (config keys, HTTP header names, Accept-Encoding tokens):
// case-insensitive comparison, case mapping and trimming, without locales or allocation where a
// view will do. The one place for them: a second copy in a layer is a bug waiting to differ.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace epsitter::text {

inline bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

inline bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline bool is_ascii_alnum(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}

inline char to_lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char to_upper_ascii(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string to_lower_ascii(std::string_view text) {
  std::string lower{text};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return to_lower_ascii(c); });
  return lower;
}

inline std::string to_upper_ascii(std::string_view text) {
  std::string upper{text};
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return to_upper_ascii(c); });
  return upper;
}

// ASCII letters compared without case (HTTP header names, config keys); other bytes exactly.
inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower_ascii(x) == to_lower_ascii(y);
         });
}

// `text` without leading and trailing spaces, tabs, line breaks, form feeds and vertical tabs.
inline std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

}  // namespace epsitter::text
