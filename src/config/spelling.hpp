// ASCII case helpers and "did you mean" suggestions for misspelt keys in the config.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter::detail {

inline char to_lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower_ascii(std::string_view text);
std::string to_upper_ascii(std::string_view text);
bool equals_ignoring_case(std::string_view a, std::string_view b);

using Words = std::vector<std::string_view>;

inline bool contains(const Words& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// "a, b, c"
std::string join(const Words& words);

// Optimal string alignment distance, ignoring case: a swapped pair of letters ("tiemout") costs 1,
// as it is one slip of the fingers.
std::size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean "timeout"?)" when one known word is close enough to be the intended one;
// otherwise "; expected one of ...", since a far-fetched guess misleads more than it helps.
std::string suggestion(std::string_view unknown, const Words& known);

}  // namespace epsitter::detail
