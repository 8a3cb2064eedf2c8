// Counts the YAML documents in a text, boundedly: yaml-cpp 0.7's LoadAll can loop for ever; or
// loads the one document of a plain config without counting.
#include "config/yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string_view>

namespace epsitter {

namespace {

// Remembers where a document and its first node start, and ignores the rest.
class DocumentStart : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = content = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

  YAML::Mark start;    // the document: its "---" if it has one
  YAML::Mark content;  // its first node, where an error message should point

 private:
  void node(const YAML::Mark& mark) {
    if (!seen_node_) content = mark;
    seen_node_ = true;
  }
  bool seen_node_ = false;
};

// True when a line starts with "---" or "..." (after a byte order mark, if any): a document start
// or end marker, or text that merely looks like one, which is as good a reason to count. yaml-cpp
// ends lines at LF (CRLF included); a lone CR is no line break to it.
bool has_marker_like_line(std::string_view text) {
  constexpr std::string_view kByteOrderMark{"\xef\xbb\xbf"};
  std::size_t line = 0;
  for (;;) {
    std::string_view rest = text.substr(line);
    if (rest.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      rest.remove_prefix(kByteOrderMark.size());
    }
    if (rest.substr(0, 3) == "---" || rest.substr(0, 3) == "...") return true;
    const std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) return false;
    line = end + 1;
  }
}

}  // namespace

std::optional<YAML::Node> load_sole_block_map(const std::string& yaml_text) {
  if (has_marker_like_line(yaml_text)) return std::nullopt;
  YAML::Node document;
  try {
    document = YAML::Load(yaml_text);
  } catch (const YAML::Exception&) {
    return std::nullopt;  // the counting path reports it, as it would have without this one
  }
  // A flow collection ("{...}") or a map indented past column 0 can be followed by more text that
  // yaml-cpp reads as a second document, even without a marker.
  if (!document.IsMap() || document.Style() != YAML::EmitterStyle::Block ||
      document.Mark().column != 0) {
    return std::nullopt;
  }
  return document;
}

DocumentCount count_documents(const std::string& yaml_text) {
  // LoadAll asks for documents until the parser says there are none; on a text starting with ','
  // yaml-cpp 0.7 answers "one more, at position 0" for ever, and LoadAll grows a vector until
  // memory runs out (found by fuzz/fuzz_config). Two questions are all we need.
  std::istringstream input(yaml_text);
  YAML::Parser parser(input);
  DocumentStart first;
  DocumentCount result;
  if (!parser.HandleNextDocument(first)) return result;
  result.count = 1;
  DocumentStart second;
  if (!parser.HandleNextDocument(second)) return result;
  result.count = 2;
  result.second_start = second.content;
  result.stuck = second.start.pos <= first.start.pos;
  return result;
}

}  // namespace epsitter
