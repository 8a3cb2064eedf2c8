// Discovery from one `kubernetes:` block: a ResourceWatch per kind (Services, Ingresses) and
// namespace, whose objects are published together, as one set, whenever any of them changes.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "config/kubernetes_config.hpp"
#include "discovery/discovery_stats.hpp"
#include "discovery/kube_object.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

class ResourceWatch;

class KubernetesDiscovery {
 public:
  // Receives every annotated object of every watch after any change; called on a watch thread,
  // one call at a time.
  using Publish = std::function<void(DiscoveredObjects)>;

  // Starts the watches. `stats` and `log` must outlive this object.
  KubernetesDiscovery(const KubernetesConfig& config, Publish publish, DiscoveryStats& stats,
                      spdlog::logger& log);
  // Stops every watch at once, then joins them: returns within a moment, whatever is in flight.
  ~KubernetesDiscovery();
  KubernetesDiscovery(const KubernetesDiscovery&) = delete;
  KubernetesDiscovery& operator=(const KubernetesDiscovery&) = delete;

 private:
  void changed(std::size_t watch, DiscoveredObjects objects);

  const Publish publish_;
  std::mutex mutex_;                                     // one publish at a time, in order
  std::vector<DiscoveredObjects> by_watch_;              // guarded by mutex_
  std::vector<std::unique_ptr<ResourceWatch>> watches_;  // last: they call changed()
};

}  // namespace epsitter
