// Reads the `kubernetes:` block of the config file (validated, with file:line:col errors).
#pragma once

#include "config/discovery_policy.hpp"
#include "config/kubernetes_config.hpp"
#include "config/yaml_fields.hpp"

namespace epsitter::detail {

// `entry` is the top-level `kubernetes:` entry. An empty block (or `kubernetes: {}`) enables
// discovery with the in-cluster defaults: api_url from KUBERNETES_SERVICE_HOST/_PORT (through the
// config's environment), the ServiceAccount's token and CA files.
KubernetesConfig read_kubernetes(const Entry& entry, const Where& root);

// The same block's rules for what annotated objects may make (discovery_policy.hpp): allowlists
// of annotations, hosts and ports, and caps per object. Call after read_kubernetes, which rejects
// unknown keys.
DiscoveryRules read_discovery_rules(const Entry& entry, const Where& root);

}  // namespace epsitter::detail
