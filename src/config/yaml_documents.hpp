// Counts the YAML documents in a text, boundedly: yaml-cpp 0.7's LoadAll can loop for ever.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstddef>
#include <string>

namespace epsitter {

struct DocumentCount {
  std::size_t count = 0;    // 0, 1, or 2 meaning "more than one"
  YAML::Mark second_start;  // the second document's first node, when count == 2
  // True when the parser started the second document where the first one started: it is stuck
  // on a token it cannot consume (a stray ',' at the top level), not looking at a real document.
  bool stuck = false;
};

// Parses at most two documents' worth of events and builds no nodes. Throws YAML::Exception on a
// syntax error, as yaml-cpp's loaders do.
DocumentCount count_documents(const std::string& yaml_text);

}  // namespace epsitter
