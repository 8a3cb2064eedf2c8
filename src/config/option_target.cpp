// Builds a Target that comes from outside the config file (a Kubernetes annotation set): the
// file's `defaults:` under options given as text, read by the same field readers as `urls:`.
#include "config/option_target.hpp"

#include "config/expansion_budget.hpp"
#include "config/input_limits.hpp"
#include "config/spelling.hpp"
#include "config/target_schema.hpp"

namespace epsitter {
namespace {

using detail::Entry;
using detail::Field;
using detail::Fields;

// The fields an annotation may set at all (the admin's allowlist narrows them further).
const std::vector<std::string_view>& annotation_fields() {
  static const std::vector<std::string_view> kFields = [] {
    std::vector<std::string_view> fields;
    for (const TargetField& field : target_schema()) {
      if (field.annotation != FromAnnotation::never) fields.push_back(field.name);
    }
    return fields;
  }();
  return kFields;
}

// Fields whose value may be a list or a map are YAML; the rest are single values (a regular
// expression such as `[a-z]+` must stay text, not become a YAML list).
bool is_structured(std::string_view name) {
  const TargetField* field = find_target_field(name);
  return field != nullptr && field->structured;
}

YAML::Node option_value(const TargetOption& option, const detail::Where& where) {
  ExpansionBudget budget{ExpansionLimits{kMaxAnnotationExpandedBytes, kMaxAnnotationExpandedValues,
                                         "the annotation's value"}};
  try {
    if (!is_structured(option.field)) {
      budget.charge(ExpandedSize{option.text.size(), 1});
      return YAML::Node{option.text};
    }
    if (!budget.needs_measuring(option.text)) {
      YAML::Node value = YAML::Load(option.text);
      budget.charge_tree(value);
      return value;
    }
    budget.charge_document(option.text);
    return YAML::Load(option.text);
  } catch (const ExpansionExceeded& error) {
    (error.field().empty() ? where : where.at(error.field())).fail(error.mark(), error.what());
  } catch (const YAML::Exception& error) {
    where.fail(error.mark, "invalid YAML (or JSON): " + error.msg);
  }
}

}  // namespace

const std::vector<std::string_view>& option_fields() {
  return annotation_fields();
}

Target target_from_options(const std::string& name, const std::string& namespace_,
                           const std::string& url, const std::vector<TargetOption>& options,
                           const detail::Fields& base, const std::string& origin) {
  // An empty environment: ${VAR} in an option is "not set", an error, never a value.
  const detail::LoadContext context{origin, EnvLookup{}, ""};
  Fields own;
  own.push_back({Entry{YAML::Node{"url"}, YAML::Node{url}}, detail::Where{&context, "url"}});
  for (const TargetOption& option : options) {
    const detail::Where where{&context, option.source};
    if (!detail::contains(annotation_fields(), option.field)) {
      where.fail(YAML::Mark::null_mark(),
                 "cannot be set here; expected one of " + detail::join(annotation_fields()));
    }
    own.push_back({Entry{YAML::Node{option.field}, option_value(option, where)}, where});
  }
  Target target;
  target.labels.name = name;
  detail::read_target_fields(detail::with_defaults(std::move(own), base), /*complete=*/true,
                             target);
  target.labels.namespace_ = namespace_;  // the object's, whatever a profile or `defaults:` says
  return target;
}

}  // namespace epsitter
