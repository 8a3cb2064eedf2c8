// The `kubernetes:` block: where and how epsitter discovers targets from annotated objects.
#pragma once

#include <string>
#include <tuple>
#include <vector>

namespace epsitter {

// What a ServiceAccount's pod finds mounted (when its token is automounted or projected there).
inline constexpr const char* kInClusterTokenFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/token";
inline constexpr const char* kInClusterCaFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

struct KubernetesConfig {
  std::vector<std::string> namespaces;  // empty: every namespace the ServiceAccount may list
  std::string api_url;                  // without a trailing slash
  std::string token_file;               // read before every request: kubelet rotates it
  std::string ca_file;                  // verifies an https api_url
  std::string label_selector;           // empty: no selector

  friend bool operator==(const KubernetesConfig& a, const KubernetesConfig& b) {
    return std::tie(a.namespaces, a.api_url, a.token_file, a.ca_file, a.label_selector) ==
           std::tie(b.namespaces, b.api_url, b.token_file, b.ca_file, b.label_selector);
  }
  friend bool operator!=(const KubernetesConfig& a, const KubernetesConfig& b) { return !(a == b); }
};

}  // namespace epsitter
