// Reads a target's `labels:` map, the extra labels of sitter_target_info.
#include <algorithm>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "text/ascii.hpp"

namespace epsitter::detail {
namespace {

// The labels epsitter puts on its own series: a user label of the same name would clash.
const Words kReservedLabels{"name",   "namespace", "method",  "url", "status",  "error",
                            "reason", "phase",     "version", "le",  "quantile"};

bool is_label_name(std::string_view name) {
  if (name.empty() || is_ascii_digit(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return text::is_ascii_alnum(c) || c == '_'; });
}

}  // namespace

void read_label_fields(const Fields& fields, Target& target) {
  const Field* field = find_field(fields, "labels");
  if (field == nullptr) return;
  if (!field->entry.value.IsMap()) {
    field->fail("expected a map of label names to values, got " + describe(field->entry.value));
  }
  HeaderList labels;
  for (const Entry& entry : map_entries(field->entry.value, field->where, "label")) {
    const Where where = field->where.at(entry.name());
    if (!is_label_name(entry.name()) || entry.name().rfind("__", 0) == 0) {
      where.fail(entry.key.Mark(), quote(entry.name()) +
                                       " is not a Prometheus label name: expected letters, "
                                       "digits and _, not starting with a digit or __");
    }
    if (contains(kReservedLabels, entry.name())) {
      where.fail(entry.key.Mark(), quote(entry.name()) + " is reserved: epsitter sets it itself (" +
                                       join(kReservedLabels) + ")");
    }
    labels.emplace_back(entry.name(), scalar_text(entry, field->where, "a label value"));
  }
  std::sort(labels.begin(), labels.end());
  target.extras.write().extra_labels = std::move(labels);
}

}  // namespace epsitter::detail
