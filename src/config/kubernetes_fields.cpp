// Reads the `kubernetes:` block of the config file (validated, with file:line:col errors).
#include "config/kubernetes_fields.hpp"

#include <algorithm>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/url_check.hpp"

namespace epsitter::detail {
namespace {

const Words kKubernetesKeys{"namespaces",
                            "label_selector",
                            "api_url",
                            "token_file",
                            "ca_file",
                            "allowed_annotations",
                            "allowed_hosts",
                            "allowed_ports",
                            "allow_external_name",
                            "allow_selectorless",
                            "max_targets_per_object",
                            "max_annotation_bytes",
                            "min_interval"};
constexpr std::size_t kMaxNamespaceLength = 63;
constexpr std::size_t kMaxSelectorLength = 4'096;

// RFC 1123 label, which is what Kubernetes accepts as a namespace name.
bool is_namespace_name(std::string_view name) {
  const auto inner = [](char c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || c == '-'; };
  return !name.empty() && name.size() <= kMaxNamespaceLength && name.front() != '-' &&
         name.back() != '-' && std::all_of(name.begin(), name.end(), inner);
}

std::vector<std::string> read_namespaces(const Field& field) {
  const YAML::Node& value = field.entry.value;
  if (is_null_value(value)) return {};
  if (!value.IsSequence()) {
    field.fail("expected a list of namespace names (empty: all namespaces), got " +
               describe(value));
  }
  std::vector<std::string> namespaces;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Where item = field.where.at_index(i);
    const std::string name = scalar_text(value[i], value[i].Mark(), item, "a namespace name");
    if (!is_namespace_name(name)) {
      item.fail(value[i].Mark(), quote(name) +
                                     " is not a namespace name: expected lower-case letters, "
                                     "digits and '-' (at most 63)");
    }
    if (std::find(namespaces.begin(), namespaces.end(), name) != namespaces.end()) {
      item.fail(value[i].Mark(), "namespace " + quote(name) + " is listed twice");
    }
    namespaces.push_back(name);
  }
  return namespaces;
}

std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string read_api_url(const Fields& fields, const Where& where, const YAML::Mark& block) {
  if (const Field* field = find_field(fields, "api_url")) {
    const std::string url = text_of(*field, "a URL (https://host:port)");
    if (const std::optional<std::string> problem = url_problem(url)) {
      field->fail(quote(redacted(url)) + " " + *problem);
    }
    return without_trailing_slashes(url);
  }
  // How client-go finds the API server from inside a pod.
  const EnvLookup& env = where.context->env;
  const char* host = env ? env("KUBERNETES_SERVICE_HOST") : nullptr;
  const char* port = env ? env("KUBERNETES_SERVICE_PORT") : nullptr;
  if (host == nullptr || *host == '\0') {
    where.at("api_url").fail(block,
                             "not set, and KUBERNETES_SERVICE_HOST is not in the environment "
                             "(epsitter is not running in a pod): set api_url");
  }
  const std::string host_text = host;
  const bool ipv6 = host_text.find(':') != std::string::npos;
  const std::string url = "https://" + (ipv6 ? "[" + host_text + "]" : host_text) + ":" +
                          (port != nullptr && *port != '\0' ? port : "443");
  if (const std::optional<std::string> problem = url_problem(url)) {
    where.at("api_url").fail(block, "from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT: " +
                                        quote(url) + " " + *problem);
  }
  return url;
}

std::string read_selector(const Field& field) {
  const std::string selector = text_of(field, "a label selector (app=web,tier!=db)");
  const bool control = std::any_of(selector.begin(), selector.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (trim(selector).empty() || control || selector.size() > kMaxSelectorLength) {
    field.fail(quote(selector) + " is not a label selector");
  }
  return selector;
}

}  // namespace

KubernetesConfig read_kubernetes(const Entry& entry, const Where& root) {
  const Where where = root.at("kubernetes");
  Fields fields;
  if (!is_null_value(entry.value)) {
    if (!entry.value.IsMap()) {
      where.fail(entry.value_mark(),
                 "expected a map (namespaces, label_selector, allowed_hosts, ...), got " +
                     describe(entry.value));
    }
    fields = to_fields(map_entries(entry.value, where, "key"), where);
  }
  for (const Field& field : fields) {
    if (contains(kKubernetesKeys, field.name())) continue;
    field.where.fail(field.entry.key.Mark(), "unknown key " + quote(field.name()) +
                                                 suggestion(field.name(), kKubernetesKeys));
  }
  KubernetesConfig config;
  if (const Field* field = find_field(fields, "namespaces")) {
    config.namespaces = read_namespaces(*field);
  }
  config.api_url = read_api_url(fields, where, entry.value_mark());
  // Files named here are checked now (a typo is a config error at its line); the in-cluster
  // defaults are read when discovery runs, where a missing mount is logged and retried.
  const Field* token = find_field(fields, "token_file");
  config.token_file = token != nullptr ? path_of(*token) : kInClusterTokenFile;
  const Field* ca = find_field(fields, "ca_file");
  config.ca_file = ca != nullptr ? path_of(*ca) : kInClusterCaFile;
  if (const Field* field = find_field(fields, "label_selector")) {
    config.label_selector = read_selector(*field);
  }
  return config;
}

}  // namespace epsitter::detail
