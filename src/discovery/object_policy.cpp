// The admin's rules (DiscoveryRules) applied to one annotated object.
#include "discovery/object_policy.hpp"

#include <algorithm>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "discovery/kube_object.hpp"
#include "text/glob.hpp"

namespace epsitter {
namespace {

std::string joined(const std::vector<std::string>& words) {
  if (words.empty()) return "none";
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

const nlohmann::json& member_or_null(const nlohmann::json& object, const char* name) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(name);
  return found == object.end() ? kNull : *found;
}

}  // namespace

void check_annotation(const DiscoveryRules& rules, const std::string& origin,
                      const std::string& name, const std::string& value) {
  if (value.size() > rules.max_annotation_bytes) {
    throw PolicyRefusal(origin + ": " + std::string{kAnnotationPrefix} + name + " is " +
                        std::to_string(value.size()) +
                        " bytes, over kubernetes.max_annotation_bytes (" +
                        std::to_string(rules.max_annotation_bytes) + ")");
  }
  if (name == "probe" || name == "profile") return;
  const auto& allowed = rules.allowed_annotations;
  if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
    throw PolicyRefusal(origin + ": " + std::string{kAnnotationPrefix} + name +
                        " is not in kubernetes.allowed_annotations (" + joined(allowed) +
                        "): an admin's profile can set it instead");
  }
}

void check_service_kind(const DiscoveryRules& rules, const std::string& origin,
                        const nlohmann::json& spec) {
  const nlohmann::json& type = member_or_null(spec, "type");
  if (type.is_string() && type.get<std::string>() == "ExternalName") {
    if (rules.allow_external_name) return;
    throw PolicyRefusal(origin +
                        ": an ExternalName Service points at a host outside the cluster's "
                        "Services; allowed only with kubernetes.allow_external_name");
  }
  const nlohmann::json& selector = member_or_null(spec, "selector");
  if (!rules.allow_selectorless && (!selector.is_object() || selector.empty())) {
    throw PolicyRefusal(origin +
                        ": a Service without a selector reaches whatever addresses its "
                        "Endpoints name; allowed only with kubernetes.allow_selectorless");
  }
}

void check_host(const DiscoveryRules& rules, const std::string& origin, const std::string& host) {
  for (const std::string& pattern : rules.allowed_hosts) {
    if (text::glob_matches(pattern, host)) return;
  }
  throw PolicyRefusal(origin + ": host " + detail::quote(host) +
                      " matches no pattern of kubernetes.allowed_hosts (" +
                      joined(rules.allowed_hosts) + ")");
}

void check_port(const DiscoveryRules& rules, const std::string& origin, long long port) {
  const auto& allowed = rules.allowed_ports;
  if (allowed.empty() || std::find(allowed.begin(), allowed.end(), port) != allowed.end()) return;
  std::vector<std::string> listed;
  for (long long each : allowed) listed.push_back(std::to_string(each));
  throw PolicyRefusal(origin + ": port " + std::to_string(port) +
                      " is not in kubernetes.allowed_ports (" + joined(listed) + ")");
}

void check_target_count(const DiscoveryRules& rules, const std::string& origin, std::size_t count) {
  if (count <= rules.max_targets_per_object) return;
  throw PolicyRefusal(origin + ": makes " + std::to_string(count) +
                      " targets, over kubernetes.max_targets_per_object (" +
                      std::to_string(rules.max_targets_per_object) + ")");
}

void check_target(const DiscoveryRules& rules, const std::string& origin, const Target& target,
                  bool annotated_body_limit) {
  if (target.interval && *target.interval < rules.min_interval) {
    throw PolicyRefusal(origin + ": an interval of " + std::to_string(target.interval->count()) +
                        " ms is below kubernetes.min_interval (" +
                        std::to_string(rules.min_interval.count()) + " ms)");
  }
  if (annotated_body_limit && target.body_limit > rules.max_body_limit) {
    throw PolicyRefusal(origin + ": epsitter.io/body-limit is over " +
                        std::to_string(rules.max_body_limit) +
                        " bytes; a larger limit only from the config file");
  }
}

}  // namespace epsitter
