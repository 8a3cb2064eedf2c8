// Turns one annotated Service or Ingress into its targets (a pure function): the URL from the
// object and its epsitter.io/ annotations, every other option through the config's field readers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "config/discovery_policy.hpp"
#include "discovery/kube_object.hpp"

namespace epsitter {

struct ObjectTargets {
  bool probed = false;  // epsitter.io/probe asks for it (whether or not the rest is valid)
  std::vector<Target> targets;
  // Set when the object is skipped: why, naming the object and the annotation ("Service shop/web:
  // epsitter.io/interval: "soon" is not a number of seconds"); no target is made then.
  std::string error;
  bool refused = false;  // the error is the admin's rules refusing it, not a malformed object
};

// A Service becomes the target NAMESPACE/NAME probing http://NAME.NAMESPACE.svc:PORT/PATH; an
// Ingress one target per rule host and path, NAMESPACE/NAME/HOST/PATH probing http(s)://HOST/PATH.
// `object` may be whole or trimmed (trim_object); `policy` is what the admin allows objects to make
// (and the profiles and defaults targets start from).
ObjectTargets targets_of(ObjectKind kind, const nlohmann::json& object,
                         const DiscoveryPolicy& policy);

// The annotations epsitter reads, without the prefix: probe, profile, path, port, scheme, then the
// options (interval, expect-status, ...).
std::vector<std::string> annotation_names();

}  // namespace epsitter
