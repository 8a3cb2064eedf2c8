// What the admin lets annotated Kubernetes objects make epsitter do.
#include "config/discovery_policy.hpp"

#include <algorithm>
#include <array>

#include "config/option_target.hpp"

namespace epsitter {

const std::vector<std::string>& default_allowed_annotations() {
  static const std::vector<std::string> kHarmless{
      "path",          "port",        "scheme",      "interval",
      "expect-status", "expect-body", "expect-json", "max-response-time",
      "min-cert-days"};
  return kHarmless;
}

std::vector<std::string> allowlistable_annotations() {
  std::vector<std::string> names{"path", "port", "scheme"};
  for (const std::string_view field : option_fields()) {
    std::string name{field};
    std::replace(name.begin(), name.end(), '_', '-');
    names.push_back(std::move(name));
  }
  return names;
}

bool inherited_by_discovery(std::string_view field) {
  static constexpr std::array<std::string_view, 15> kNotInherited{
      "auth_user", "auth_pass",   "auth_pass_file", "bearer_token", "bearer_token_file",
      "headers",   "payload",     "json",           "method",       "cert_file",
      "key_file",  "server_name", "proxy",          "no_proxy",     "insecure_skip_verify"};
  return std::find(kNotInherited.begin(), kNotInherited.end(), field) == kNotInherited.end();
}

std::optional<detail::Fields> DiscoveryPolicy::base_fields(const std::string& name) const {
  detail::Fields fields;
  const auto profile = profiles_.find(name.empty() ? "default" : name);
  if (profile != profiles_.end()) {
    fields = profile->second->fields();
  } else if (!name.empty()) {
    return std::nullopt;
  }
  if (defaults_ == nullptr) return fields;
  detail::Fields inherited;
  for (detail::Field& field : defaults_->fields()) {
    if (inherited_by_discovery(field.name())) inherited.push_back(std::move(field));
  }
  return detail::with_defaults(std::move(fields), inherited);
}

std::vector<std::string> DiscoveryPolicy::profile_names() const {
  std::vector<std::string> names;
  for (const auto& [name, profile] : profiles_) names.push_back(name);
  return names;
}

}  // namespace epsitter
