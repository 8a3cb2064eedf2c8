// Reads the `metrics:` block of the config file: which per-target families /metrics renders.
#pragma once

#include "config/yaml_fields.hpp"
#include "metrics/family_selection.hpp"

namespace epsitter::detail {

// `entry` is the top-level `metrics:` entry; empty (or `metrics: {}`) keeps every family. An
// unknown key, a value that is not true or false, or an unknown histogram form is a ConfigError
// naming the file, line and field.
FamilySelection read_metrics_block(const Entry& entry, const Where& root);

}  // namespace epsitter::detail
