// Which Host headers our port answers: a browser lured by DNS rebinding sends the attacker's name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

// A page on evil.example whose name is made to resolve to a pod's address can make a browser talk
// to our port, but the browser still sends `Host: evil.example`. Every name a cluster gives us is
// accepted by default: IP literals (what kubelet probes and Prometheus' pod discovery send),
// `localhost`, single-label names (a Service name in its own namespace) and names ending in `.svc`
// or `.svc.cluster.local`; `extra_globs` (WEB_ALLOWED_HOSTS) add others, e.g. an Ingress host.
class HostPolicy {
 public:
  // `extra_globs`: lower-case; `*` matches any run of characters, dots included; "*" alone allows
  // every host (the check is off).
  HostPolicy() = default;
  explicit HostPolicy(std::vector<std::string> extra_globs);

  // `host`: the Host header's value, nullptr when there is none. A request without Host (HTTP/1.0)
  // cannot come from a browser, so it is allowed.
  bool allows(const char* host) const;

 private:
  std::vector<std::string> extra_globs_;
};

}  // namespace epsitter
