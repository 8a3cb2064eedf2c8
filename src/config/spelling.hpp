// "Did you mean" suggestions for misspelt keys in the config, and word lists for messages (the
// ASCII helpers come from text/ascii.hpp).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "text/ascii.hpp"

namespace epsitter::detail {

using text::equals_ignoring_case;
using text::to_lower_ascii;
using text::to_upper_ascii;

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
