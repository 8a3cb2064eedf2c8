// The `metrics:` switches: which per-target family falls under which one, in one table.
#include "metrics/family_selection.hpp"

#include <algorithm>

namespace epsitter {

const std::vector<FamilyGroup>& family_groups() {
  // Outcomes, counters and target_info are always on: they are what alerts and dashboards are
  // built on, a few series per target. The groups are what can be left out when a user does not
  // need them: each is several series per target, or (the summary) a duplicate of the histogram.
  static const std::vector<FamilyGroup> kGroups{
      {"_request_time", FamilySwitch::summary},
      {"_http_status_code_total", FamilySwitch::always},
      {"_http_error_total", FamilySwitch::always},
      {"_probe_success", FamilySwitch::always},
      {"_probe_failures_total", FamilySwitch::always},
      {"_consecutive_failures", FamilySwitch::always},
      {"_request_duration_seconds", FamilySwitch::histogram},
      {"_request_phase_seconds", FamilySwitch::phases},
      {"_last_status_code", FamilySwitch::last_probe},
      {"_last_probe_timestamp_seconds", FamilySwitch::last_probe},
      {"_response_size_bytes", FamilySwitch::last_probe},
      {"_response_uncompressed_size_bytes", FamilySwitch::last_probe},
      {"_redirects", FamilySwitch::last_probe},
      {"_http_version", FamilySwitch::last_probe},
      {"_tls_cert_expiry_timestamp_seconds", FamilySwitch::tls},
      {"_tls_chain_expiry_timestamp_seconds", FamilySwitch::tls},
      {"_tls_cert_info", FamilySwitch::tls},
      {"_tls_version_info", FamilySwitch::tls},
      {"_tls_cipher_info", FamilySwitch::tls},
      {"_target_info", FamilySwitch::always},
  };
  return kGroups;
}

std::optional<FamilySwitch> switch_of(std::string_view suffix) {
  const std::vector<FamilyGroup>& groups = family_groups();
  const auto found = std::find_if(groups.begin(), groups.end(),
                                  [suffix](const FamilyGroup& g) { return g.suffix == suffix; });
  if (found == groups.end()) return std::nullopt;
  return found->by;
}

bool has_classic_buckets(HistogramForm form) {
  return form == HistogramForm::classic || form == HistogramForm::both;
}

bool has_native_histogram(HistogramForm form) {
  return form == HistogramForm::native || form == HistogramForm::both;
}

TextShown text_shown(const FamilySelection& selection, std::string_view suffix) {
  const auto shown_if = [](bool on) { return on ? TextShown::all : TextShown::nothing; };
  switch (switch_of(suffix).value_or(FamilySwitch::always)) {
    case FamilySwitch::always:
      return TextShown::all;
    case FamilySwitch::phases:
      return shown_if(selection.phases);
    case FamilySwitch::tls:
      return shown_if(selection.tls);
    case FamilySwitch::last_probe:
      return shown_if(selection.last_probe);
    case FamilySwitch::summary:
      return shown_if(selection.summary);
    case FamilySwitch::histogram:
      switch (selection.histogram) {
        case HistogramForm::classic:
        case HistogramForm::both:
          return TextShown::all;
        case HistogramForm::native:
          // The native histogram has no text form; its count and sum do, and they keep the rate
          // and the mean latency for scrapers of the text (2 series instead of the buckets').
          return TextShown::without_buckets;
        case HistogramForm::none:
          return TextShown::nothing;
      }
  }
  return TextShown::all;
}

FilteredFamilyWriter::Filter writer_filter(const FamilySelection& selection,
                                           std::string_view prefix) {
  FilteredFamilyWriter::Filter filter;
  filter.classic_buckets = has_classic_buckets(selection.histogram);
  filter.native_buckets = has_native_histogram(selection.histogram);
  if (selection == FamilySelection{}) return filter;  // everything: no test per family
  filter.keep = [selection, skip = prefix.size()](std::string_view family) {
    return text_shown(selection, family.substr(std::min(skip, family.size()))) != TextShown::nothing;
  };
  return filter;
}

}  // namespace epsitter
