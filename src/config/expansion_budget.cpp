// How big a YAML input grows once its aliases are expanded and its values copied, measured and
// charged before the tree is built or anything is copied: an alias bomb is refused at the alias
// that passes the limit instead of costing gigabytes.
#include "config/expansion_budget.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "config/number_parsing.hpp"

namespace epsitter {
namespace {

bool passes(const ExpandedSize& size, const ExpansionLimits& limits) {
  return size.bytes > limits.max_bytes || size.values > limits.max_values;
}

// One open list or map, and where the parser is inside it (for the path of an error).
struct Open {
  bool is_map = false;
  bool at_key = true;     // a map's next node is a key
  std::string key;        // a map's latest scalar key
  std::size_t index = 0;  // a list's next item
  YAML::anchor_t anchor = YAML::NullAnchor;
  ExpandedSize used_before;  // the budget's use when it opened: its own size is the difference
};

// Follows the parser's events, charging every value as it appears and every alias with the size
// of what it refers to, which is known by then: an anchor's node ends before any alias to it (or
// the alias is inside it, a recursion).
class Meter : public YAML::EventHandler {
 public:
  Meter(ExpandedSize& used, const ExpansionBudget& budget) : used_(used), budget_(budget) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    leaf(mark, anchor, ExpandedSize{0, 1});
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!open_.empty() && open_.back().is_map && open_.back().at_key) open_.back().key = value;
    leaf(mark, anchor, ExpandedSize{value.size(), 1});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      throw ExpansionExceeded(budget_.limits().input +
                                  " has an alias (*name) inside the node it refers to: it would "
                                  "expand without end",
                              mark, path());
    }
    add(found->second, mark);
    advance();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start(mark, anchor, false);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    if (!open_.empty() && open_.back().is_map && open_.back().at_key) open_.back().key = "?";
    start(mark, anchor, true);
  }
  void OnSequenceEnd() override { end(); }
  void OnMapEnd() override { end(); }

 private:
  void add(const ExpandedSize& size, const YAML::Mark& mark) {
    used_ += size;
    if (passes(used_, budget_.limits())) {
      throw ExpansionExceeded(budget_.exceeded_message(used_), mark, path());
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const ExpandedSize& size) {
    add(size, mark);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = size;
    advance();
  }

  void start(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    add(ExpandedSize{0, 1}, mark);
    Open node;
    node.is_map = is_map;
    node.anchor = anchor;
    node.used_before = used_;
    node.used_before.values -= 1;  // the collection itself is part of its size
    open_.push_back(std::move(node));
  }

  void end() {
    const Open node = std::move(open_.back());
    open_.pop_back();
    if (node.anchor != YAML::NullAnchor) {
      anchors_[node.anchor] = ExpandedSize{used_.bytes - node.used_before.bytes,
                                           used_.values - node.used_before.values};
    }
    advance();
  }

  // One node of the innermost open collection is complete.
  void advance() {
    if (open_.empty()) return;
    Open& parent = open_.back();
    if (parent.is_map) {
      parent.at_key = !parent.at_key;
    } else {
      ++parent.index;
    }
  }

  // The dotted path of the node being read: urls.web.payload.items[3].
  std::string path() const {
    std::string text;
    for (const Open& node : open_) {
      if (!node.is_map) {
        text += "[" + std::to_string(node.index) + "]";
      } else if (!node.at_key) {
        text += (text.empty() ? "" : ".") + node.key;
      }
    }
    return text;
  }

  ExpandedSize& used_;
  const ExpansionBudget& budget_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, ExpandedSize> anchors_;
};

// Measured trees come from documents that charge_document passed, which have no recursive alias;
// the depth bound keeps a walk over any other tree finite all the same.
constexpr int kMaxDepth = 256;

void count_tree(const YAML::Node& node, const ExpandedSize& stop_after, ExpandedSize& size,
                int depth) {
  if (size.bytes > stop_after.bytes || size.values > stop_after.values) return;
  if (depth > kMaxDepth) {
    size.values = stop_after.values + 1;
    return;
  }
  size.values += 1;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      size.bytes += node.Scalar().size();
      return;
    case YAML::NodeType::Sequence:
      for (const YAML::Node& item : node) count_tree(item, stop_after, size, depth + 1);
      return;
    case YAML::NodeType::Map:
      for (const auto& pair : node) {
        count_tree(pair.first, stop_after, size, depth + 1);
        count_tree(pair.second, stop_after, size, depth + 1);
      }
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return;
  }
}

}  // namespace

bool ExpansionBudget::needs_measuring(const std::string& text) const {
  constexpr std::size_t kMaxValuesPerByte = 2;
  const std::size_t values_left = limits_.max_values - used_.values;
  return text.find('*') != std::string::npos || text.size() > bytes_left() ||
         text.size() > (values_left - std::min<std::size_t>(values_left, 2)) / kMaxValuesPerByte;
}

ExpandedSize ExpansionBudget::charge_document(const std::string& text) {
  const ExpandedSize before = used_;
  std::istringstream input(text);
  YAML::Parser parser(input);
  Meter meter{used_, *this};
  parser.HandleNextDocument(meter);
  return ExpandedSize{used_.bytes - before.bytes, used_.values - before.values};
}

ExpandedSize ExpansionBudget::charge_tree(const YAML::Node& node) {
  const ExpandedSize size = expanded_size(
      node, ExpandedSize{limits_.max_bytes - used_.bytes, limits_.max_values - used_.values});
  ExpandedSize after = used_;
  after += size;
  if (passes(after, limits_)) throw ExpansionExceeded(exceeded_message(after), node.Mark(), "");
  used_ = after;
  return size;
}

void ExpansionBudget::charge(const ExpandedSize& size) {
  ExpandedSize after = used_;
  after += size;
  if (passes(after, limits_)) throw ExpansionExceeded(exceeded_message(after), {}, "");
  used_ = after;
}

std::string ExpansionBudget::exceeded_message(const ExpandedSize& size) const {
  const std::string what = size.bytes > limits_.max_bytes
                               ? detail::format_bytes(limits_.max_bytes) + " of text"
                               : std::to_string(limits_.max_values) + " values";
  return limits_.input + " grows past " + what +
         " here once expanded (every use of an alias (*name) counts in full; at most " +
         detail::format_bytes(limits_.max_bytes) + " of text and " +
         std::to_string(limits_.max_values) + " values are allowed)";
}

ExpandedSize expanded_size(const YAML::Node& node, const ExpandedSize& stop_after) {
  ExpandedSize size;
  count_tree(node, stop_after, size, 0);
  return size;
}

}  // namespace epsitter
