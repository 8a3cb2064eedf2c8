// Keeps one ResourceMirror in step with the API server on a thread of its own: list, then watch
// from the list's resourceVersion; resume a dropped watch from the last one seen; list again on
// 410 Gone; back off (0.5 s doubling to 30 s) while the server cannot be reached.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "config/kubernetes_config.hpp"
#include "discovery/api_client.hpp"
#include "discovery/api_paths.hpp"
#include "discovery/discovery_stats.hpp"
#include "discovery/resource_mirror.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

class ResourceWatch {
 public:
  // Called on the watch thread whenever the mirror's objects changed.
  using OnChange = std::function<void(const ResourceMirror&)>;

  // Starts the thread. `stats` and `log` must outlive this object.
  ResourceWatch(const KubernetesConfig& config, ResourceScope scope, OnChange on_change,
                DiscoveryStats& stats, spdlog::logger& log);
  // Stops and joins the thread.
  ~ResourceWatch();
  ResourceWatch(const ResourceWatch&) = delete;
  ResourceWatch& operator=(const ResourceWatch&) = delete;

  // Asks the thread to end (the request in flight is aborted); does not wait.
  void request_stop();

 private:
  enum class WatchEnd { resume, relist, failed, stopped };

  void run();
  bool list();  // true when a complete list replaced the mirror
  WatchEnd watch();
  bool handle_event(std::string_view line, bool& relist, bool& error_event);
  void failed(const std::string& what);
  void wait_backoff();
  void synced();

  const KubernetesConfig config_;
  const ResourceScope scope_;
  const OnChange on_change_;
  DiscoveryStats& stats_;
  spdlog::logger& log_;
  ResourceMirror mirror_;
  ApiClient client_;
  std::chrono::milliseconds backoff_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace epsitter
