// Discovery from one `kubernetes:` block: a ResourceWatch per kind (Services, Ingresses) and
// namespace, whose objects are published together, as one set, whenever any of them changes.
#include "discovery/kubernetes_discovery.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <iterator>

#include "config/number_parsing.hpp"
#include "config/url_check.hpp"
#include "discovery/resource_watch.hpp"
#include "log/logfmt.hpp"

namespace epsitter {

KubernetesDiscovery::KubernetesDiscovery(const KubernetesConfig& config, Publish publish,
                                         DiscoveryStats& stats, spdlog::logger& log)
    : publish_(std::move(publish)) {
  std::vector<ResourceScope> scopes;
  const std::vector<std::string> namespaces =
      config.namespaces.empty() ? std::vector<std::string>{""} : config.namespaces;
  for (const ObjectKind kind : {ObjectKind::service, ObjectKind::ingress}) {
    std::transform(namespaces.begin(), namespaces.end(), std::back_inserter(scopes),
                   [kind](const std::string& namespace_) {
                     return ResourceScope{kind, namespace_};
                   });
  }
  by_watch_.resize(scopes.size());
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    watches_.push_back(std::make_unique<ResourceWatch>(
        config, scopes[i],
        [this, i](const ResourceMirror& mirror) {
          DiscoveredObjects objects;
          mirror.append_to(objects);
          changed(i, std::move(objects));
        },
        stats, log));
  }
  log.info("msg=\"kubernetes discovery started\" api_url={} watches={} label_selector={}",
           logged(detail::redacted(config.api_url)), watches_.size(),
           logged(config.label_selector));
}

KubernetesDiscovery::~KubernetesDiscovery() {
  for (const auto& watch : watches_) watch->request_stop();
  watches_.clear();  // joins each
}

void KubernetesDiscovery::changed(std::size_t watch, DiscoveredObjects objects) {
  const std::lock_guard<std::mutex> lock{mutex_};
  by_watch_[watch] = std::move(objects);
  DiscoveredObjects all;
  for (const auto& part : by_watch_) all.insert(all.end(), part.begin(), part.end());
  publish_(std::move(all));
}

}  // namespace epsitter
