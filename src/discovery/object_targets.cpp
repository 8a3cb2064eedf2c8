// Turns one annotated Service or Ingress into its targets (a pure function): the URL from the
// object and its epsitter.io/ annotations, every other option through the config's field readers.
#include "discovery/object_targets.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "config/input_limits.hpp"
#include "config/number_parsing.hpp"
#include "config/option_target.hpp"
#include "config/spelling.hpp"
#include "config/yaml11_typing.hpp"

namespace epsitter {
namespace {

using nlohmann::json;

constexpr long long kMaxPort = 65'535;

// Ends the translation of one object; caught in targets_of, never escapes it.
class Skip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the annotations say, apart from the options handed to the config readers.
struct Annotations {
  std::string probe;  // empty when absent
  std::optional<std::string> path;
  std::optional<std::string> port;
  std::optional<std::string> scheme;
  std::vector<TargetOption> options;
};

std::string option_annotation(std::string_view field) {
  std::string name{field};
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

const json& member_or_null(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(name);
  return found == object.end() ? kNull : *found;
}

std::string string_or_empty(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string{};
}

Annotations read_annotations(const json& object, const std::string& origin) {
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
    if (text.size() > kMaxAnnotationBytes) {
      throw Skip(origin + ": " + full_name + ": the value has " + std::to_string(text.size()) +
                 " bytes, more than the " + detail::format_bytes(kMaxAnnotationBytes) +
                 " an annotation of epsitter's may hold");
    }
    if (name == "probe") {
      read.probe = text;
    } else if (name == "path") {
      read.path = text;
    } else if (name == "port") {
      read.port = text;
    } else if (name == "scheme") {
      read.scheme = text;
    } else if (detail::contains(known_words, name)) {
      std::string field = name;
      std::replace(field.begin(), field.end(), '-', '_');
      read.options.push_back({field, full_name, text});
    } else {
      throw Skip(origin + ": unknown annotation " + detail::quote(full_name) +
                 detail::suggestion(name, known_words));
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

std::string read_path(const Annotations& annotations, const std::string& origin) {
  if (!annotations.path) return "/";
  const std::string& path = *annotations.path;
  if (path.empty() || path.front() != '/') {
    throw Skip(origin + ": epsitter.io/path: " + detail::quote(path) + " does not start with /");
  }
  const bool unsafe = std::any_of(path.begin(), path.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#';
  });
  if (unsafe) {
    throw Skip(origin + ": epsitter.io/path: " + detail::quote(path) +
               " contains a space, a control character or # (percent-encode them)");
  }
  return path;
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
                        const std::string& namespace_) {
  const json& ports = member_or_null(member_or_null(object, "spec"), "ports");
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
                                     const std::string& origin, const std::string& key) {
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
  std::string port_suffix;
  if (annotations.port) {
    const auto number = port_number(*annotations.port);
    if (!number) {
      throw Skip(origin + ": epsitter.io/port: " + detail::quote(*annotations.port) +
                 " is not a port number (1 to 65535)");
    }
    port_suffix = ":" + std::to_string(*number);
  }
  std::vector<IngressUrl> urls;
  std::set<std::string> seen;
  const json& rules = member_or_null(spec, "rules");
  for (const json& rule : rules.is_array() ? rules : json::array()) {
    const std::string host = string_or_empty(member_or_null(rule, "host"));
    if (host.empty() || host.front() == '*') continue;
    std::vector<std::string> paths;
    if (annotations.path) {
      paths.push_back(read_path(annotations, origin));
    } else {
      const json& http_paths = member_or_null(member_or_null(rule, "http"), "paths");
      for (const json& path : http_paths.is_array() ? http_paths : json::array()) {
        const std::string text = string_or_empty(member_or_null(path, "path"));
        paths.push_back(text.empty() ? "/" : text);
      }
      if (paths.empty()) paths.push_back("/");
    }
    const std::string scheme = read_scheme(annotations, origin, tls_hosts.count(host) > 0);
    for (const std::string& path : paths) {
      const std::string name = key + "/" + host + path;
      if (!seen.insert(name).second) continue;
      urls.push_back({name, scheme + "://" + host + port_suffix + path});
    }
  }
  if (urls.empty()) {
    throw Skip(origin +
               ": has no rule with a host name to probe (wildcard and empty hosts "
               "are left out)");
  }
  return urls;
}

}  // namespace

std::vector<std::string> annotation_names() {
  std::vector<std::string> names{"probe", "path", "port", "scheme"};
  std::transform(option_fields().begin(), option_fields().end(), std::back_inserter(names),
                 option_annotation);
  return names;
}

ObjectTargets targets_of(ObjectKind kind, const json& object, const TargetDefaults* defaults) {
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
    const Annotations annotations = read_annotations(object, origin);
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
    if (kind == ObjectKind::service) {
      urls.push_back({*key, service_url(object, annotations, origin, name, namespace_)});
    } else {
      urls = ingress_urls(object, annotations, origin, *key);
    }
    for (const IngressUrl& url : urls) {
      Target target =
          target_from_options(url.name, namespace_, url.url, annotations.options, defaults, origin);
      target.source = std::string{source_name(kind)};
      result.targets.push_back(std::move(target));
    }
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
