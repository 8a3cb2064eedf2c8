// Host-name patterns as admins write them ("*.shop.example.com"): '*' stands for any run of
// characters (dots included), every other character for itself, ASCII letters in any case.
#pragma once

#include <string_view>

#include "text/ascii.hpp"

namespace epsitter::text {

// Iterative matching with one backtrack point (the last '*'): at most pattern x text steps, never
// recursive, whatever an admin or a client writes.
inline bool glob_matches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && to_lower_ascii(pattern[p]) == to_lower_ascii(text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace epsitter::text
