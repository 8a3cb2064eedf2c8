// "Did you mean" suggestions for misspelt keys in the config, and word lists for messages.
#include "config/spelling.hpp"

#include <limits>

#include "config/number_parsing.hpp"

namespace epsitter::detail {

std::string join(const Words& words) {
  std::string joined;
  for (const std::string_view word : words) {
    if (!joined.empty()) joined += ", ";
    joined += word;
  }
  return joined;
}

std::size_t edit_distance(std::string_view a_text, std::string_view b_text) {
  const std::string a = to_lower_ascii(a_text);
  const std::string b = to_lower_ascii(b_text);
  std::vector<std::size_t> before_previous(b.size() + 1);
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    before_previous.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::string suggestion(std::string_view unknown, const Words& known) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string_view word : known) {
    const std::size_t distance = edit_distance(unknown, word);
    if (distance < best_distance) {
      best = word;
      best_distance = distance;
    }
  }
  const std::size_t tolerance = std::max<std::size_t>(2, std::max(unknown.size(), best.size()) / 3);
  if (best_distance <= tolerance && best_distance < unknown.size()) {
    return " (did you mean " + quote(best) + "?)";
  }
  return "; expected one of " + join(known);
}

}  // namespace epsitter::detail
