// Fuzz target: an annotated Service or Ingress as an API server (or a hostile tenant) may send it,
// read under the default rules and under rules that allow everything. targets_of() must answer
// with targets or a reason for anything, never exceed the cap on targets per object, and make no
// target of an object it refused.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "config/discovery_policy.hpp"
#include "discovery/kube_object.hpp"
#include "discovery/object_targets.hpp"

namespace {

epsitter::DiscoveryPolicy open_policy() {
  epsitter::DiscoveryRules rules;
  rules.allowed_annotations = epsitter::allowlistable_annotations();
  rules.allowed_hosts = {"*"};
  rules.allow_external_name = true;
  rules.allow_selectorless = true;
  rules.max_targets_per_object = 5;
  return epsitter::DiscoveryPolicy{rules, nullptr, {}};
}

void check(epsitter::ObjectKind kind, const nlohmann::json& object,
           const epsitter::DiscoveryPolicy& policy) {
  const epsitter::ObjectTargets made = epsitter::targets_of(kind, object, policy);
  if (made.targets.size() > policy.rules().max_targets_per_object) __builtin_trap();
  if (!made.error.empty() && !made.targets.empty()) __builtin_trap();
  if (made.refused && made.error.empty()) __builtin_trap();
  if (const std::optional<nlohmann::json> trimmed = epsitter::trim_object(kind, object)) {
    const epsitter::ObjectTargets again = epsitter::targets_of(kind, *trimmed, policy);
    if (again.targets.size() != made.targets.size() || again.error != made.error) {
      __builtin_trap();  // trimming must keep whatever decides an object's targets
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const epsitter::DiscoveryPolicy kDefault{epsitter::DiscoveryRules{}, nullptr, {}};
  static const epsitter::DiscoveryPolicy kOpen = open_policy();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return 0;
  for (const epsitter::ObjectKind kind :
       {epsitter::ObjectKind::service, epsitter::ObjectKind::ingress}) {
    check(kind, object, kDefault);
    check(kind, object, kOpen);
  }
  return 0;
}
