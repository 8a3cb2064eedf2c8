// Builds a Target that comes from outside the config file (a Kubernetes annotation set): the
// file's `defaults:` under options given as text, read by the same field readers as `urls:`.
#include "config/option_target.hpp"

#include "config/expansion_budget.hpp"
#include "config/input_limits.hpp"
#include "config/spelling.hpp"

namespace epsitter {
namespace {

using detail::Entry;
using detail::Field;
using detail::Fields;

// clang-format off
const std::vector<std::string_view> kOptionFields{
    "interval", "timeout", "method", "headers", "payload", "json",
    "expect_status", "expect_body", "expect_body_absent", "expect_headers", "expect_json",
    "max_response_time", "min_cert_days",
    "follow_redirects", "keepalive", "ip_version", "insecure_skip_verify", "server_name",
    "body_limit", "labels"};
// clang-format on

// Fields whose value may be a list or a map; the rest are single values (a regular expression such
// as `[a-z]+` must stay text, not become a YAML list).
const detail::Words kStructuredFields{"headers",        "payload",     "json",  "expect_status",
                                      "expect_headers", "expect_json", "labels"};

// Whoever may annotate a Service writes this text: it is measured with its aliases expanded
// before yaml-cpp builds it, and every reader after that walks at most what was measured.
YAML::Node option_value(const TargetOption& option, const detail::Where& where) {
  ExpansionBudget budget{ExpansionLimits{kMaxAnnotationExpandedBytes, kMaxAnnotationExpandedValues,
                                         "the annotation's value"}};
  try {
    if (!detail::contains(kStructuredFields, option.field)) {
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
  return kOptionFields;
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
    if (!detail::contains(kOptionFields, option.field)) {
      where.fail(YAML::Mark::null_mark(),
                 "cannot be set here; expected one of " + detail::join(kOptionFields));
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
