// Turns one annotated Service or Ingress into its targets (a pure function): the URL from the
// object and its epsitter.io/ annotations, every other option through the config's field readers.
#include "discovery/object_targets.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "config/input_limits.hpp"
#include "config/number_parsing.hpp"
#include "config/option_target.hpp"
#include "config/spelling.hpp"
#include "config/yaml11_typing.hpp"
#include "discovery/object_policy.hpp"

namespace epsitter {
namespace {

using nlohmann::json;

constexpr long long kMaxPort = 65'535;
constexpr std::size_t kMaxPathBytes = 2'048;

// Ends the translation of one object; caught in targets_of, never escapes it.
class Skip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the annotations say, apart from the options handed to the config readers.
struct Annotations {
  std::string probe;    // empty when absent
  std::string profile;  // empty when absent: the profile named "default", if any
  std::optional<std::string> path;
  std::optional<std::string> port;
  std::optional<std::string> scheme;
  std::vector<TargetOption> options;
};

const json& member_or_null(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(name);
  return found == object.end() ? kNull : *found;
}

std::string string_or_empty(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string{};
}

Annotations read_annotations(const json& object, const std::string& origin,
                             const DiscoveryRules& rules) {
  const json& annotations = member_or_null(member_or_null(object, "metadata"), "annotations");
  Annotations read;
  if (!annotations.is_object()) return read;
  const std::vector<std::string> known = annotation_names();
  const detail::Words known_words(known.begin(), known.end());
  for (const auto& [full_name, value] : annotations.items()) {
    if (full_name.compare(0, kAnnotationPrefix.size(), kAnnotationPrefix) != 0) continue;
    const std::string name = full_name.substr(kAnnotationPrefix.size());
    if (!value.is_string()) {
      throw Skip(origin + ": " + full_name + ": expected a text value, got " + value.type_name());
    }
    const std::string text = value.get<std::string>();
    if (!detail::contains(known_words, name)) {
      throw Skip(origin + ": unknown annotation " + detail::quote(full_name) +
                 detail::suggestion(name, known_words));
    }
    check_annotation(rules, origin, name, text);
    if (name == "probe") {
      read.probe = text;
    } else if (name == "profile") {
      read.profile = text;
    } else if (name == "path") {
      read.path = text;
    } else if (name == "port") {
      read.port = text;
    } else if (name == "scheme") {
      read.scheme = text;
    } else {
      std::string field = name;
      std::replace(field.begin(), field.end(), '-', '_');
      read.options.push_back({field, full_name, text});
    }
  }
  return read;
}

std::string read_scheme(const Annotations& annotations, const std::string& origin,
                        bool secure_by_default) {
  if (!annotations.scheme) return secure_by_default ? "https" : "http";
  if (*annotations.scheme == "http" || *annotations.scheme == "https") return *annotations.scheme;
  throw Skip(origin + ": epsitter.io/scheme: " + detail::quote(*annotations.scheme) +
             " is not http or https");
}

// A path as it goes into a URL: RFC 3986 path and query characters and percent-escapes only, so
// that nothing from an object can change the URL's host or smuggle text into logs.
std::string checked_path(const std::string& path, const std::string& origin,
                         const std::string& what) {
  if (path.empty() || path.front() != '/') {
    throw Skip(origin + ": " + what + ": " + detail::quote(path) + " does not start with /");
  }
  constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@/?%";
  const bool unsafe = std::any_of(path.begin(), path.end(), [&](char c) {
    const bool alphanumeric =
        detail::is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return !alphanumeric && kAllowed.find(c) == std::string_view::npos;
  });
  if (unsafe || path.size() > kMaxPathBytes) {
    throw Skip(origin + ": " + what + ": " + detail::quote(path) +
               " is not a URL path (at most 2048 bytes of letters, digits, -._~!$&'()*+,;=:@/?% "
               "and percent-escapes)");
  }
  return path;
}

std::string read_path(const Annotations& annotations, const std::string& origin) {
  if (!annotations.path) return "/";
  return checked_path(*annotations.path, origin, "epsitter.io/path");
}

// An RFC 1123 host name, as Kubernetes itself validates it for an Ingress rule.
void check_host_name(const std::string& host, const std::string& origin) {
  const bool valid = host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
                       return detail::is_ascii_digit(c) || (c >= 'a' && c <= 'z') ||
                              (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
                     });
  if (!valid) {
    throw Skip(origin + ": malformed object: rule host " + detail::quote(host) +
               " is not a host name");
  }
}

std::optional<long long> port_number(const std::string& text) {
  const std::optional<long long> port = detail::parse_integer(text);
  if (!port || *port < 1 || *port > kMaxPort) return std::nullopt;
  return port;
}

// A Service's URL: the annotated port (a number or the name of one of its ports) or its first
// port; https when so annotated, or when that port is named or declared https, or is 443.
std::string service_url(const json& object, const Annotations& annotations,
                        const std::string& origin, const std::string& name,
                        const std::string& namespace_, const DiscoveryRules& rules) {
  const json& spec = member_or_null(object, "spec");
  check_service_kind(rules, origin, spec);
  const json& ports = member_or_null(spec, "ports");
  const json* chosen = nullptr;
  long long port = 0;
  if (annotations.port) {
    if (const auto number = port_number(*annotations.port)) {
      port = *number;
    } else if (ports.is_array()) {
      for (const json& candidate : ports) {
        if (string_or_empty(member_or_null(candidate, "name")) == *annotations.port) {
          chosen = &candidate;
        }
      }
    }
    if (port == 0 && chosen == nullptr) {
      throw Skip(origin + ": epsitter.io/port: " + detail::quote(*annotations.port) +
                 " is neither a port number (1 to 65535) nor the name of one of its ports");
    }
  } else if (ports.is_array() && !ports.empty()) {
    chosen = &ports.front();
  } else {
    throw Skip(origin + ": has no ports: set epsitter.io/port");
  }
  bool secure = port == 443;
  if (chosen != nullptr) {
    const json& number = member_or_null(*chosen, "port");
    if (!number.is_number_integer() || number.get<long long>() < 1 ||
        number.get<long long>() > kMaxPort) {
      throw Skip(origin + ": malformed object: spec.ports has a port without a valid number");
    }
    port = number.get<long long>();
    secure = port == 443 || string_or_empty(member_or_null(*chosen, "name")) == "https" ||
             string_or_empty(member_or_null(*chosen, "appProtocol")) == "https";
  }
  check_port(rules, origin, port);
  return read_scheme(annotations, origin, secure) + "://" + name + "." + namespace_ +
         ".svc:" + std::to_string(port) + read_path(annotations, origin);
}

struct IngressUrl {
  std::string name;
  std::string url;
};

// One URL per rule host and path; https for a host that spec.tls lists. Wildcard and empty hosts
// name no one host to probe and are left out.
std::vector<IngressUrl> ingress_urls(const json& object, const Annotations& annotations,
                                     const std::string& origin, const std::string& key,
                                     const DiscoveryRules& allowed) {
  const json& spec = member_or_null(object, "spec");
  std::set<std::string> tls_hosts;
  const json& tls = member_or_null(spec, "tls");
  if (tls.is_array()) {
    for (const json& entry : tls) {
      const json& hosts = member_or_null(entry, "hosts");
      if (!hosts.is_array()) continue;
      for (const json& host : hosts) tls_hosts.insert(string_or_empty(host));
    }
  }
  std::optional<long long> port;
  if (annotations.port) {
    port = port_number(*annotations.port);
    if (!port) {
      throw Skip(origin + ": epsitter.io/port: " + detail::quote(*annotations.port) +
                 " is not a port number (1 to 65535)");
    }
  }
  const std::string port_suffix = port ? ":" + std::to_string(*port) : "";
  std::vector<IngressUrl> urls;
  std::set<std::string> seen;
  const json& rules = member_or_null(spec, "rules");
  for (const json& rule : rules.is_array() ? rules : json::array()) {
    const std::string host = string_or_empty(member_or_null(rule, "host"));
    if (host.empty() || host.front() == '*') continue;
    check_host_name(host, origin);
    check_host(allowed, origin, host);
    std::vector<std::string> paths;
    if (annotations.path) {
      paths.push_back(read_path(annotations, origin));
    } else {
      const json& http_paths = member_or_null(member_or_null(rule, "http"), "paths");
      for (const json& path : http_paths.is_array() ? http_paths : json::array()) {
        const std::string text = string_or_empty(member_or_null(path, "path"));
        paths.push_back(text.empty() ? "/" : checked_path(text, origin, "spec.rules[].http.paths"));
      }
      if (paths.empty()) paths.push_back("/");
    }
    const std::string scheme = read_scheme(annotations, origin, tls_hosts.count(host) > 0);
    check_port(allowed, origin, port.value_or(scheme == "https" ? 443 : 80));
    for (const std::string& path : paths) {
      const std::string name = key + "/" + host + path;
      if (!seen.insert(name).second) continue;
      urls.push_back({name, scheme + "://" + host + port_suffix + path});
      check_target_count(allowed, origin, urls.size());  // before the next one is made
    }
  }
  if (urls.empty()) {
    throw Skip(origin +
               ": has no rule with a host name to probe (wildcard and empty hosts "
               "are left out)");
  }
  return urls;
}

// A discovered target's headers come from an admin's profile (or an allowed annotation): none of
// them follows a redirect to another origin.
void mark_headers_secret(Target& target) {
  if (target.headers.empty()) return;
  std::vector<std::string> names;
  for (const auto& [name, value] : target.headers) {
    if (!detail::equals_ignoring_case(name, "Content-Type")) names.push_back(name);
  }
  target.extras.write().secret_headers = std::move(names);
}

}  // namespace

std::vector<std::string> annotation_names() {
  std::vector<std::string> names{"probe", "profile"};
  const std::vector<std::string> allowlistable = allowlistable_annotations();
  names.insert(names.end(), allowlistable.begin(), allowlistable.end());
  return names;
}

ObjectTargets targets_of(ObjectKind kind, const json& object, const DiscoveryPolicy& policy) {
  ObjectTargets result;
  const std::optional<std::string> key = object_key(object);
  const std::string kind_text{kind_name(kind)};
  if (!key) {
    result.error = kind_text + " without metadata.name or metadata.namespace: malformed, skipped";
    result.probed = true;
    return result;
  }
  const std::string origin = kind_text + " " + *key;
  try {
    const DiscoveryRules& rules = policy.rules();
    const Annotations annotations = read_annotations(object, origin, rules);
    if (annotations.probe.empty()) return result;
    const std::optional<bool> wanted = detail::yaml11_bool(annotations.probe);
    if (!wanted) {
      result.probed = true;
      throw Skip(origin + ": epsitter.io/probe: " + detail::quote(annotations.probe) +
                 " is not true or false");
    }
    if (!*wanted) return result;
    result.probed = true;
    const std::string namespace_ = key->substr(0, key->find('/'));
    const std::string name = key->substr(key->find('/') + 1);
    std::vector<IngressUrl> urls;
    const std::optional<detail::Fields> base = policy.base_fields(annotations.profile);
    if (!base) {
      std::string names;
      for (const std::string& profile : policy.profile_names()) {
        names += (names.empty() ? "" : ", ") + profile;
      }
      throw PolicyRefusal(
          origin + ": epsitter.io/profile: " + detail::quote(annotations.profile) +
          " is not a profile of the config (profiles: " + (names.empty() ? "none" : names) + ")");
    }
    if (kind == ObjectKind::service) {
      urls.push_back({*key, service_url(object, annotations, origin, name, namespace_, rules)});
    } else {
      urls = ingress_urls(object, annotations, origin, *key, rules);
    }
    const bool annotated_body_limit =
        std::any_of(annotations.options.begin(), annotations.options.end(),
                    [](const TargetOption& option) { return option.field == "body_limit"; });
    for (const IngressUrl& url : urls) {
      Target target =
          target_from_options(url.name, namespace_, url.url, annotations.options, *base, origin);
      target.source = std::string{source_name(kind)};
      check_target(rules, origin, target, annotated_body_limit);
      mark_headers_secret(target);
      result.targets.push_back(std::move(target));
    }
  } catch (const PolicyRefusal& refusal) {
    result.probed = true;
    result.refused = true;
    result.error = refusal.what();
    result.targets.clear();
  } catch (const Skip& skip) {
    result.probed = true;
    result.error = skip.what();
    result.targets.clear();
  } catch (const ConfigError& error) {
    result.error = error.what();
    result.targets.clear();
  }
  return result;
}

}  // namespace epsitter
