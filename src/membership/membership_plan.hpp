// Where membership mode (SHARD_MODE=lease) keeps its Lease: which API server, which namespace,
// under which name and group. Decided once at start, from the settings and the config.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "config/kubernetes_config.hpp"
#include "config/settings.hpp"
#include "membership/lease_record.hpp"

namespace epsitter {

// The ServiceAccount's namespace, as a pod finds it mounted (client-go's in-cluster fallback).
inline constexpr const char* kInClusterNamespaceFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

struct MembershipPlan {
  KubernetesConfig api;  // api_url, token_file, ca_file
  OwnLease own;
};

// The API server: the config's `kubernetes:` block when it has one (the same connection as
// discovery), else the in-cluster one (KUBERNETES_SERVICE_HOST/_PORT, the ServiceAccount's
// token and CA). The namespace: POD_NAMESPACE, else the block's only namespace when it names
// exactly one, else the ServiceAccount's namespace file. Throws std::runtime_error saying what
// to set when neither gives an answer.
MembershipPlan plan_membership(const LeaseSharding& sharding,
                               const std::optional<KubernetesConfig>& block, const EnvLookup& env,
                               const std::string& namespace_file = kInClusterNamespaceFile);

}  // namespace epsitter
