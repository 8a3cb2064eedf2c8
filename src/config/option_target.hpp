// Builds a Target that comes from outside the config file (a Kubernetes annotation set): the
// file's `defaults:` under options given as text, read by the same field readers as `urls:`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "config/target_fields.hpp"

namespace epsitter {

// One option as text, e.g. {"expect_status", "epsitter.io/expect-status", "[200, \"3xx\"]"}.
struct TargetOption {
  std::string field;   // the config field it sets
  std::string source;  // what errors call it (the annotation's name)
  std::string text;
};

// The fields an option may set: every per-target field except the ones that are not the option
// source's to choose: url and namespace (derived from the object), secrets (annotations are not
// secret) and files (an annotation must not make epsitter read or send its own files).
const std::vector<std::string_view>& option_fields();

// The Target named `name` in `namespace_`, probing `url`, with `options` over `base` (the fields
// of the target's profile and the inheritable defaults; see DiscoveryPolicy::base_fields). Options
// of a structured field (lists and maps: expect_status, expect_json, headers, ...) are YAML (JSON
// is YAML); the others are taken as the text they are. ${VAR} is never expanded from an option (it
// would hand epsitter's environment to whoever writes the annotation): an option with ${...} is an
// error. Throws ConfigError whose file is `origin` ("Service shop/web").
Target target_from_options(const std::string& name, const std::string& namespace_,
                           const std::string& url, const std::vector<TargetOption>& options,
                           const detail::Fields& base, const std::string& origin);

}  // namespace epsitter
