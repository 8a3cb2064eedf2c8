// Where membership mode keeps its Lease (see membership_plan.hpp).
#include "membership/membership_plan.hpp"

#include "config/file_text.hpp"

namespace epsitter {
namespace {

constexpr std::size_t kMaxNamespaceFileBytes = 1024;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

KubernetesConfig in_cluster_api(const EnvLookup& env) {
  const char* host = env("KUBERNETES_SERVICE_HOST");
  const char* port = env("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0') {
    throw std::runtime_error(
        "SHARD_MODE=lease needs the Kubernetes API server: the config has no kubernetes: block "
        "and KUBERNETES_SERVICE_HOST is not in the environment (not running in a pod)");
  }
  const std::string host_text = host;
  const bool ipv6 = host_text.find(':') != std::string::npos;
  KubernetesConfig api;
  api.api_url = "https://" + (ipv6 ? "[" + host_text + "]" : host_text) + ":" +
                (port != nullptr && *port != '\0' ? port : "443");
  api.token_file = kInClusterTokenFile;
  api.ca_file = kInClusterCaFile;
  return api;
}

}  // namespace

MembershipPlan plan_membership(const LeaseSharding& sharding,
                               const std::optional<KubernetesConfig>& block, const EnvLookup& env,
                               const std::string& namespace_file) {
  MembershipPlan plan;
  plan.api = block ? *block : in_cluster_api(env);
  plan.api.namespaces.clear();  // membership keeps to its own namespace
  plan.api.label_selector.clear();
  plan.own.name = sharding.identity;
  plan.own.group = sharding.group;
  plan.own.duration_seconds = sharding.lease_seconds;
  plan.own.namespace_ = sharding.namespace_;
  if (plan.own.namespace_.empty() && block && block->namespaces.size() == 1) {
    plan.own.namespace_ = block->namespaces.front();
  }
  if (plan.own.namespace_.empty()) {
    try {
      plan.own.namespace_ = trimmed(detail::read_file_text(namespace_file, kMaxNamespaceFileBytes));
    } catch (const detail::FileReadError&) {
      // Said below, with what to do.
    }
  }
  if (plan.own.namespace_.empty()) {
    throw std::runtime_error(
        "SHARD_MODE=lease: no namespace for the Lease: set POD_NAMESPACE (the downward API's "
        "metadata.namespace), or name exactly one namespace in the kubernetes: block");
  }
  return plan;
}

}  // namespace epsitter
