// The config file's `defaults:` block, kept after loading so that targets made later (by
// discovery) start from the same defaults as the file's own targets.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/config_loader.hpp"
#include "config/target_fields.hpp"

namespace epsitter {

class TargetDefaults {
 public:
  // Clones `defaults` (a validated `defaults:` map): the clone holds only this block, not the
  // whole document, whose memory the loader gives back. `context` is the file's, so ${VAR},
  // relative *_file paths and error messages mean what they mean in the file; its budget is
  // dropped (it is the load's, and this outlives the load, read by discovery's threads).
  TargetDefaults(const YAML::Node& defaults, detail::LoadContext context)
      : context_(without_budget(std::move(context))), defaults_(YAML::Clone(defaults)) {}
  TargetDefaults(const TargetDefaults&) = delete;
  TargetDefaults& operator=(const TargetDefaults&) = delete;

  // The fields, with paths `defaults.FIELD`; they refer to this object, which must outlive them.
  detail::Fields fields() const {
    const detail::Where where{&context_, "defaults"};
    return detail::to_fields(detail::map_entries(defaults_, where, "field"), where);
  }

 private:
  static detail::LoadContext without_budget(detail::LoadContext context) {
    context.budget = nullptr;
    return context;
  }

  const detail::LoadContext context_;
  const YAML::Node defaults_;
};

}  // namespace epsitter
