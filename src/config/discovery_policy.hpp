// What the admin lets annotated Kubernetes objects make epsitter do: which annotations count, which
// hosts and ports a discovered target may be, how many targets one object may make, and the
// request shapes (profiles) an annotation may pick. Tenants write annotations; admins write this.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "config/input_limits.hpp"
#include "config/target_defaults.hpp"

namespace epsitter {

// The annotations allowed when `allowed_annotations` is not set: they choose what is checked, not
// what is sent or where.
const std::vector<std::string>& default_allowed_annotations();

// The `kubernetes:` block's allowlists and caps.
struct DiscoveryRules {
  // Annotations (without epsitter.io/, `-` spelling) an object may set besides probe and profile.
  std::vector<std::string> allowed_annotations = default_allowed_annotations();
  std::vector<std::string> allowed_hosts;  // globs ('*' any run of characters) for Ingress hosts
  std::vector<long long> allowed_ports;    // empty: any port
  bool allow_external_name = false;        // Services of type ExternalName
  bool allow_selectorless = false;         // Services without a selector (hand-made Endpoints)
  std::size_t max_targets_per_object = 50;
  std::size_t max_annotation_bytes = kMaxAnnotationBytes;
  std::chrono::milliseconds min_interval{5'000};
  std::int64_t max_body_limit = 16 << 20;  // for body_limit set by an annotation

  auto tie() const {
    return std::tie(allowed_annotations, allowed_hosts, allowed_ports, allow_external_name,
                    allow_selectorless, max_targets_per_object, max_annotation_bytes, min_interval,
                    max_body_limit);
  }
  friend bool operator==(const DiscoveryRules& a, const DiscoveryRules& b) {
    return a.tie() == b.tie();
  }
};

// Every annotation the allowlist may name: path, port, scheme and the per-target options that
// annotations can set at all (option_target.hpp), in `-` spelling.
std::vector<std::string> allowlistable_annotations();

// The fields of `defaults:` that reach discovered targets: none that sends a credential, a header,
// a body, a client certificate, or changes the method or the route (those only through a profile).
bool inherited_by_discovery(std::string_view field);

class DiscoveryPolicy {
 public:
  DiscoveryPolicy(DiscoveryRules rules, std::unique_ptr<const TargetDefaults> defaults,
                  std::map<std::string, std::unique_ptr<const TargetDefaults>> profiles)
      : rules_(std::move(rules)), defaults_(std::move(defaults)), profiles_(std::move(profiles)) {}

  const DiscoveryRules& rules() const { return rules_; }

  // The fields a discovered target starts from: the profile's (`name`; empty: the profile named
  // `default`, if any), then the inheritable fields of `defaults:`. nullopt: no profile `name`.
  // The fields refer to this object, which must outlive them.
  std::optional<detail::Fields> base_fields(const std::string& name) const;

  std::vector<std::string> profile_names() const;

  // True when both make the same targets of any object. Only policies without field blocks are
  // compared: a block's values may come from the environment or from files that change between
  // two loads of the same text.
  bool same_as(const DiscoveryPolicy& other) const {
    return rules_ == other.rules_ && defaults_ == nullptr && other.defaults_ == nullptr &&
           profiles_.empty() && other.profiles_.empty();
  }

 private:
  DiscoveryRules rules_;
  std::unique_ptr<const TargetDefaults> defaults_;  // null: no `defaults:`
  std::map<std::string, std::unique_ptr<const TargetDefaults>> profiles_;
};

}  // namespace epsitter
