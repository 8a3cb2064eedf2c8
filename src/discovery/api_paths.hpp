// The Kubernetes API requests discovery makes, as URLs: list (paged) and watch, for Services or
// Ingresses of one namespace or of all. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "config/kubernetes_config.hpp"
#include "discovery/kube_object.hpp"

namespace epsitter {

// One list-and-watch: a kind in one namespace ("" = every namespace).
struct ResourceScope {
  ObjectKind kind = ObjectKind::service;
  std::string namespace_;
};

// "services in shop", "ingresses in all namespaces": for logs.
std::string describe(const ResourceScope& scope);

// RFC 3986 percent-encoding of everything but unreserved characters (for query values).
std::string percent_encode(std::string_view text);

// GET api_url/api/v1[/namespaces/NS]/services?limit=LIMIT[&continue=TOKEN][&labelSelector=...]
std::string list_url(const KubernetesConfig& config, const ResourceScope& scope, int limit,
                     const std::string& continue_token);

// The same collection with watch=1 from `resource_version`, with bookmarks, ended by the server
// after `timeout_seconds`.
std::string watch_url(const KubernetesConfig& config, const ResourceScope& scope,
                      const std::string& resource_version, int timeout_seconds);

}  // namespace epsitter
