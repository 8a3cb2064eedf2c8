// Every per-target option, declared once: its name, the reader that reads it, what shape its value
// has, who may set it (the file, a profile, an annotation: by default or only when the admin
// allows), what it is an alternative to, and what it means. The loader's lists of known fields,
// the annotation allowlist's defaults, what discovered targets inherit from `defaults:` and the
// option table of docs/configuration.md are derived from this table (tests check each).
#pragma once

#include <string_view>
#include <vector>

namespace epsitter {

// Which field reader reads the option (target_fields.hpp).
enum class FieldReader { request, connection, expectation, label };

// Whether an epsitter.io/ annotation may set the option.
enum class FromAnnotation {
  never,       // not the annotation's to choose: secrets, files, the route (proxy), url, namespace
  allowed,     // only when kubernetes.allowed_annotations lists it
  by_default,  // allowed unless kubernetes.allowed_annotations leaves it out: it chooses what is
               // checked, not what is sent or where
};

struct TargetField {
  std::string_view name;
  FieldReader reader;
  bool structured;  // a list or a map (an annotation's text is YAML); else one value
  FromAnnotation annotation;
  // Whether a discovered target takes it from `defaults:` (otherwise only from a profile): false
  // for what sends a credential, a header or a body, or changes the method or the route.
  bool discovered_inherit;
  std::string_view alternative;  // the other spelling of the same option ("auth_pass_file")
  std::string_view meaning;      // one line, for docs/configuration.md's table
};

// Every per-target option, in the order error messages list them (the seed's fields first).
const std::vector<TargetField>& target_schema();

// The entry of `name`, or nullptr.
const TargetField* find_target_field(std::string_view name);

}  // namespace epsitter
