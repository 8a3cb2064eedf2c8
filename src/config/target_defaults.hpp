// A block of per-target fields kept after loading (`defaults:` or one of `profiles:`), so that
// targets made later (by discovery) are read against it as the file's own targets were.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/config_loader.hpp"
#include "config/target_fields.hpp"

namespace epsitter {

class TargetDefaults {
 public:
  // Clones `block` (a validated map of fields): the clone holds only this block, not the whole
  // document, whose memory the loader gives back. `context` is the file's, so ${VAR}, relative
  // *_file paths and error messages mean what they mean in the file; its budget is dropped (it is
  // the load's, and this outlives the load, read by discovery's threads). `path` is what errors
  // call the block ("defaults", "profiles.internal").
  TargetDefaults(const YAML::Node& block, detail::LoadContext context,
                 std::string path = "defaults")
      : context_(without_budget(std::move(context))),
        path_(std::move(path)),
        block_(YAML::Clone(block)) {}
  TargetDefaults(const TargetDefaults&) = delete;
  TargetDefaults& operator=(const TargetDefaults&) = delete;

  // The fields, with paths `PATH.FIELD`; they refer to this object, which must outlive them.
  detail::Fields fields() const {
    const detail::Where where{&context_, path_};
    return detail::to_fields(detail::map_entries(block_, where, "field"), where);
  }

 private:
  static detail::LoadContext without_budget(detail::LoadContext context) {
    context.budget = nullptr;
    return context;
  }

  const detail::LoadContext context_;
  const std::string path_;
  const YAML::Node block_;
};

}  // namespace epsitter
