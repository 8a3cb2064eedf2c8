// The admin's rules (DiscoveryRules) applied to one annotated object: each check throws
// PolicyRefusal, which skips the whole object and is counted apart from malformed objects.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "config/discovery_policy.hpp"
#include "config/target.hpp"

namespace epsitter {

class PolicyRefusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `name` (without epsitter.io/) may be set, and `value` is within the size cap.
void check_annotation(const DiscoveryRules& rules, const std::string& origin,
                      const std::string& name, const std::string& value);

// A Service of type ExternalName, or without a selector, only when the rules allow it.
void check_service_kind(const DiscoveryRules& rules, const std::string& origin,
                        const nlohmann::json& spec);

// An Ingress host matches one of the allowed patterns (text/glob.hpp).
void check_host(const DiscoveryRules& rules, const std::string& origin, const std::string& host);

void check_port(const DiscoveryRules& rules, const std::string& origin, long long port);

void check_target_count(const DiscoveryRules& rules, const std::string& origin, std::size_t count);

// What the target's settings add up to: an interval at least the floor; a body_limit that an
// annotation set (`annotated_body_limit`) at most the cap.
void check_target(const DiscoveryRules& rules, const std::string& origin, const Target& target,
                  bool annotated_body_limit);

}  // namespace epsitter
