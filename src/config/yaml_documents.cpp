// Counts the YAML documents in a text, boundedly: yaml-cpp 0.7's LoadAll can loop for ever.
#include "config/yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

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

}  // namespace

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
