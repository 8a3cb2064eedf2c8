// Which per-target families /metrics renders (the config's `metrics:` block): the one table that
// puts each family under its switch, and what the text writer makes of it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "metrics/filtered_family_writer.hpp"

namespace epsitter {

// The forms of sitter_request_duration_seconds. The text format cannot carry a native histogram,
// so `native` leaves only its _sum and _count in text (see docs/metrics.md).
enum class HistogramForm { classic, native, both, none };

// What a user switched off to cut the series per target. The defaults are everything on: today's
// output exactly. Only rendering is filtered: the stats keep recording, so a family switched on
// again comes back with its counters intact.
struct FamilySelection {
  bool phases = true;      // sitter_request_phase_seconds
  bool tls = true;         // sitter_tls_*
  bool last_probe = true;  // the other gauges of the last probe
  bool summary = true;     // the original tool's sitter_request_time
  HistogramForm histogram = HistogramForm::both;

  bool operator==(const FamilySelection& other) const {
    return phases == other.phases && tls == other.tls && last_probe == other.last_probe &&
           summary == other.summary && histogram == other.histogram;
  }
  bool operator!=(const FamilySelection& other) const { return !(*this == other); }
};

// The `metrics:` key that switches a family, or `always` for those every target keeps.
enum class FamilySwitch { always, phases, tls, last_probe, summary, histogram };

struct FamilyGroup {
  std::string_view suffix;  // the family's name after the prefix, e.g. "_tls_cert_info"
  FamilySwitch by;
};

// Every per-target family render_exposition emits, with its switch.
const std::vector<FamilyGroup>& family_groups();

// The switch of the family named prefix + `suffix`; nullopt for a family not in the table.
std::optional<FamilySwitch> switch_of(std::string_view suffix);

// What a form serves in the protobuf exposition, where both kinds exist: the classic buckets
// (classic, both) and the native histogram (native, both).
bool has_classic_buckets(HistogramForm form);
bool has_native_histogram(HistogramForm form);

// What the text exposition shows of one family.
enum class TextShown { all, without_buckets, nothing };

// A family not in the table is shown: a new family is never silently dropped (the unit test holds
// every rendered family to a row).
TextShown text_shown(const FamilySelection& selection, std::string_view suffix);

// The selection in front of a writer of either format, for families named `prefix` + suffix: the
// families it switches off, and the parts of the histogram its form leaves out (the text format
// has no native part to leave out; without classic buckets it keeps _sum and _count).
FilteredFamilyWriter::Filter writer_filter(const FamilySelection& selection,
                                           std::string_view prefix);

}  // namespace epsitter
