// Reads the `metrics:` block: the switches of the per-target families (family_selection.hpp).
#include "config/metrics_fields.hpp"

#include <array>
#include <string>

#include "config/named_values.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"

namespace epsitter::detail {

namespace {

const Words kMetricsKeys{"phases", "tls", "last_probe", "summary", "histogram"};
constexpr std::array<NamedValue<HistogramForm>, 4> kHistogramFormNames{{
    {"classic", HistogramForm::classic},
    {"native", HistogramForm::native},
    {"both", HistogramForm::both},
    {"none", HistogramForm::none},
}};

HistogramForm histogram_form_of(const Field& field) {
  const Words kHistogramForms = names_of(kHistogramFormNames);
  const std::string text = text_of(field, "one of " + join(kHistogramForms));
  const std::optional<HistogramForm> form = value_named(kHistogramFormNames, text);
  if (!form) {
    // Always the whole list: there are only four, and a near miss is told apart as well.
    const std::string guess = suggestion(text, kHistogramForms);
    const bool near_miss = guess.rfind(" (did you mean", 0) == 0;
    field.fail(quote(text) + " is not a histogram form: expected one of " + join(kHistogramForms) +
               (near_miss ? guess : ""));
  }
  return *form;
}

}  // namespace

FamilySelection read_metrics_block(const Entry& entry, const Where& root) {
  const Where where = root.at("metrics");
  FamilySelection selection;
  if (is_null_value(entry.value)) return selection;
  if (!entry.value.IsMap()) {
    where.fail(entry.value_mark(),
               "expected a map of switches (phases, tls, last_probe, summary, histogram), got " +
                   describe(entry.value));
  }
  const Fields fields = to_fields(map_entries(entry.value, where, "key"), where);
  for (const Field& field : fields) {
    if (contains(kMetricsKeys, field.name())) continue;
    field.where.fail(field.entry.key.Mark(),
                     "unknown key " + quote(field.name()) + suggestion(field.name(), kMetricsKeys));
  }
  const auto read_flag = [&fields](std::string_view name, bool& out) {
    if (const Field* field = find_field(fields, name)) out = flag_of(*field);
  };
  read_flag("phases", selection.phases);
  read_flag("tls", selection.tls);
  read_flag("last_probe", selection.last_probe);
  read_flag("summary", selection.summary);
  if (const Field* field = find_field(fields, "histogram")) {
    selection.histogram = histogram_form_of(*field);
  }
  return selection;
}

}  // namespace epsitter::detail
