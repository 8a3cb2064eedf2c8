// What the admin lets annotated Kubernetes objects make epsitter do.
#include "config/discovery_policy.hpp"

#include <algorithm>
#include <array>

#include "config/option_target.hpp"
#include "config/target_schema.hpp"

namespace epsitter {

namespace {

std::string annotation_spelling(std::string_view field) {
  std::string name{field};
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

}  // namespace

const std::vector<std::string>& default_allowed_annotations() {
  static const std::vector<std::string> kHarmless = [] {
    std::vector<std::string> names{"path", "port", "scheme"};
    for (const TargetField& field : target_schema()) {
      if (field.annotation == FromAnnotation::by_default) {
        names.push_back(annotation_spelling(field.name));
      }
    }
    return names;
  }();
  return kHarmless;
}

std::vector<std::string> allowlistable_annotations() {
  std::vector<std::string> names{"path", "port", "scheme"};
  for (const std::string_view field : option_fields()) names.push_back(annotation_spelling(field));
  return names;
}

bool inherited_by_discovery(std::string_view field) {
  const TargetField* entry = find_target_field(field);
  return entry != nullptr && entry->discovered_inherit;
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
