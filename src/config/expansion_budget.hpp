// How big a YAML input grows once its aliases are expanded and its values copied, measured and
// charged before the tree is built or anything is copied: an alias bomb is refused at the alias
// that passes the limit instead of costing gigabytes.
#pragma once

#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/node.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace epsitter {

// The text (scalar bytes, keys included) and the values (scalars, nulls, lists, maps) of a YAML
// tree with every alias replaced by what it refers to.
struct ExpandedSize {
  std::size_t bytes = 0;
  std::size_t values = 0;

  ExpandedSize& operator+=(const ExpandedSize& other) {
    bytes += other.bytes;
    values += other.values;
    return *this;
  }
};

struct ExpansionLimits {
  std::size_t max_bytes;
  std::size_t max_values;
  std::string input;  // what is limited, for messages: "the config", "an annotation's value"
};

// A limit passed: at `mark` (an alias, a value, or null_mark for a copy) of `field` (a dotted
// path within the measured text, "" when unknown).
class ExpansionExceeded : public std::runtime_error {
 public:
  ExpansionExceeded(const std::string& message, YAML::Mark mark, std::string field)
      : std::runtime_error(message), mark_(mark), field_(std::move(field)) {}
  const YAML::Mark& mark() const { return mark_; }
  const std::string& field() const { return field_; }

 private:
  YAML::Mark mark_;
  std::string field_;
};

// What one input (a config file with all its targets, one annotation's value) may still grow by.
// Not thread-safe: one load owns it.
class ExpansionBudget {
 public:
  explicit ExpansionBudget(ExpansionLimits limits) : limits_(std::move(limits)) {}

  // True when `text` must be measured with charge_document before yaml-cpp builds its tree: it may
  // hold an alias (a '*' anywhere), or is long enough that its tree alone could pass the values
  // left (yaml-cpp makes at most about two values per byte, as in "{,,,}"). Any other text can be
  // built first and charged with charge_tree: its tree is as big as it gets, and no bigger than
  // the budget allows. Measuring costs about 60% of building; most texts need none.
  bool needs_measuring(const std::string& text) const;

  // Measures the first YAML document of `text` with its aliases expanded, from the parser's events
  // alone (no tree is built: memory stays in proportion to the anchors), and charges it. Linear in
  // the text. Throws ExpansionExceeded at the node that passes a limit (an alias to a node that
  // contains it expands without end, so it is refused too), YAML::Exception on a syntax error.
  ExpandedSize charge_document(const std::string& text);

  // Charges a built tree from a text that needed no measuring. Throws ExpansionExceeded at the
  // tree's position.
  ExpandedSize charge_tree(const YAML::Node& node);

  // Charges a copy made outside the YAML (a `defaults:` field inherited, a ${VAR} replaced).
  // Throws ExpansionExceeded without a position; callers name where the copy happens.
  void charge(const ExpandedSize& size);

  // The bytes that may still be added before the limit.
  std::size_t bytes_left() const { return limits_.max_bytes - used_.bytes; }
  const ExpandedSize& used() const { return used_; }
  const ExpansionLimits& limits() const { return limits_; }

  // "grows past 16 MiB of text once its aliases are expanded..." for `size`, which passed a limit.
  std::string exceeded_message(const ExpandedSize& size) const;

 private:
  ExpansionLimits limits_;
  ExpandedSize used_;
};

// The expanded size of a built tree (such as a `defaults:` field, to be copied into each target),
// counted until it passes `stop_after` in bytes or values: the walk costs at most that much.
ExpandedSize expanded_size(const YAML::Node& node, const ExpandedSize& stop_after);

}  // namespace epsitter
