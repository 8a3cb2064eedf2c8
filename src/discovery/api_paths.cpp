// The Kubernetes API requests discovery makes, as URLs: list (paged) and watch, for Services or
// Ingresses of one namespace or of all. Pure functions.
#include "discovery/api_paths.hpp"

namespace epsitter {
namespace {

std::string collection_url(const KubernetesConfig& config, const ResourceScope& scope) {
  const bool service = scope.kind == ObjectKind::service;
  std::string url = config.api_url + (service ? "/api/v1" : "/apis/networking.k8s.io/v1");
  if (!scope.namespace_.empty()) url += "/namespaces/" + percent_encode(scope.namespace_);
  return url + (service ? "/services" : "/ingresses");
}

std::string selector_query(const KubernetesConfig& config) {
  if (config.label_selector.empty()) return "";
  return "&labelSelector=" + percent_encode(config.label_selector);
}

}  // namespace

std::string describe(const ResourceScope& scope) {
  return std::string{scope.kind == ObjectKind::service ? "services" : "ingresses"} + " in " +
         (scope.namespace_.empty() ? "all namespaces" : scope.namespace_);
}

std::string percent_encode(std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

std::string list_url(const KubernetesConfig& config, const ResourceScope& scope, int limit,
                     const std::string& continue_token) {
  std::string url = collection_url(config, scope) + "?limit=" + std::to_string(limit);
  if (!continue_token.empty()) url += "&continue=" + percent_encode(continue_token);
  return url + selector_query(config);
}

std::string watch_url(const KubernetesConfig& config, const ResourceScope& scope,
                      const std::string& resource_version, int timeout_seconds) {
  return collection_url(config, scope) +
         "?watch=1&allowWatchBookmarks=true&resourceVersion=" + percent_encode(resource_version) +
         "&timeoutSeconds=" + std::to_string(timeout_seconds) + selector_query(config);
}

}  // namespace epsitter
