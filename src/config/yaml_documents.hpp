// Counts the YAML documents in a text, boundedly: yaml-cpp 0.7's LoadAll can loop for ever; or
// loads the one document of a plain config without counting.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
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

// The text's document when it is certainly the only one, parsed once: no line starts with "---" or
// "..." (a document marker, or so it looks), and the document is a block map at column 0, which
// takes every line after it. Nothing otherwise, or when the text is not valid YAML: the caller
// counts the documents first (a second pass, a third of loading 10,000 targets) and reports.
std::optional<YAML::Node> load_sole_block_map(const std::string& yaml_text);

}  // namespace epsitter
