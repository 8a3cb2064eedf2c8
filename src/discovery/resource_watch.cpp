// Keeps one ResourceMirror in step with the API server on a thread of its own: list, then watch
// from the list's resourceVersion; resume a dropped watch from the last one seen; list again on
// 410 Gone; back off (0.5 s doubling to 30 s) while the server cannot be reached.
#include "discovery/resource_watch.hpp"

#include <spdlog/logger.h>

#include <algorithm>

#include "config/number_parsing.hpp"
#include "log/logfmt.hpp"
#include "os/thread_tuning.hpp"

namespace epsitter {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kPageLimit = 500;
// The server ends each watch after this long; the next one resumes where it ended. Short enough
// that a connection silently lost (no RST, no FIN) is noticed within minutes.
constexpr int kWatchTimeoutSeconds = 300;
constexpr auto kWatchClientTimeout = std::chrono::seconds(kWatchTimeoutSeconds + 30);
constexpr auto kListTimeout = 60s;
constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kMaxBackoff = std::chrono::milliseconds(30'000);
// A watch the server ends this soon without a single event is treated like a failure (without
// counting one), so that a server that closes at once cannot make a busy loop.
constexpr auto kQuickEnd = 1s;
constexpr std::size_t kMaxMessageLength = 300;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The `message` of a Kubernetes Status answer, else the start of the body; quoted for the log.
std::string api_message(const std::string& body) {
  const json status = json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string message = body;
  if (status.is_object() && status.contains("message") && status["message"].is_string()) {
    message = status["message"].get<std::string>();
  }
  if (message.size() > kMaxMessageLength) {
    message.resize(kMaxMessageLength);
    message += "...";
  }
  return detail::quote(message);
}

}  // namespace

ResourceWatch::ResourceWatch(const KubernetesConfig& config, ResourceScope scope,
                             OnChange on_change, DiscoveryStats& stats, spdlog::logger& log)
    : config_(config),
      scope_(std::move(scope)),
      on_change_(std::move(on_change)),
      stats_(stats),
      log_(log),
      mirror_(scope_.kind),
      client_(config_),
      backoff_(kFirstBackoff),
      thread_([this] { run(); }) {}

ResourceWatch::~ResourceWatch() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

void ResourceWatch::request_stop() {
  {
    const std::lock_guard<std::mutex> lock{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  client_.stop();
}

void ResourceWatch::run() {
  name_this_thread("kube-watch");
  bool need_list = true;
  while (!client_.stopped()) {
    if (need_list) {
      if (!list()) {
        wait_backoff();
        continue;
      }
      need_list = false;
    }
    switch (watch()) {
      case WatchEnd::resume:
        break;
      case WatchEnd::relist:
        need_list = true;
        break;
      case WatchEnd::failed:
        wait_backoff();
        break;
      case WatchEnd::stopped:
        return;
    }
  }
}

bool ResourceWatch::list() {
  Listing listing;
  std::string continue_token;
  std::string version;
  do {
    const ApiReply reply =
        client_.get(list_url(config_, scope_, kPageLimit, continue_token), kListTimeout);
    if (reply.stopped) return false;
    if (!reply.completed) {
      failed("list failed: " + reply.error);
      return false;
    }
    if (reply.status != 200) {
      // 410 here means a page's continue token expired: the next attempt lists from the start.
      failed("list answered " + std::to_string(reply.status) + ": " + api_message(reply.body));
      return false;
    }
    const json page = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_object() || !page.contains("items")) {
      failed("list answered something that is not a Kubernetes list");
      return false;
    }
    listing.add_items(scope_.kind, page["items"]);
    version = resource_version_of(page);
    const json& metadata = page.contains("metadata") ? page["metadata"] : json{};
    continue_token =
        metadata.is_object() && metadata.contains("continue") && metadata["continue"].is_string()
            ? metadata["continue"].get<std::string>()
            : "";
  } while (!continue_token.empty());
  if (listing.malformed > 0) {
    stats_.object_errors += listing.malformed;
    log_.warn("msg=\"kubernetes objects skipped\" resource={} malformed={}",
              logged(describe(scope_)), listing.malformed);
  }
  const std::size_t items = listing.items;
  const bool changed = mirror_.replace(std::move(listing), version);
  backoff_ = kFirstBackoff;
  synced();
  log_.info("msg=\"kubernetes list\" resource={} objects={} annotated={} resource_version={}",
            logged(describe(scope_)), items, mirror_.objects().size(), logged(version));
  if (changed) on_change_(mirror_);
  return true;
}

ResourceWatch::WatchEnd ResourceWatch::watch() {
  const auto started = std::chrono::steady_clock::now();
  std::size_t events = 0;
  bool relist = false;
  bool error_event = false;
  const ApiReply reply =
      client_.stream(watch_url(config_, scope_, mirror_.resource_version(), kWatchTimeoutSeconds),
                     kWatchClientTimeout, [&](std::string_view line) {
                       ++events;
                       return handle_event(line, relist, error_event);
                     });
  if (reply.stopped) return WatchEnd::stopped;
  if (relist || reply.status == 410) {
    log_.info("msg=\"kubernetes watch expired, listing again\" resource={}",
              logged(describe(scope_)));
    return WatchEnd::relist;
  }
  if (error_event) return WatchEnd::failed;
  if (!reply.completed) {
    failed("watch broke: " + reply.error);
    return WatchEnd::failed;
  }
  if (reply.status != 200) {
    failed("watch answered " + std::to_string(reply.status) + ": " + api_message(reply.body));
    return WatchEnd::failed;
  }
  synced();
  if (events == 0 && std::chrono::steady_clock::now() - started < kQuickEnd) {
    return WatchEnd::failed;
  }
  backoff_ = kFirstBackoff;
  return WatchEnd::resume;
}

bool ResourceWatch::handle_event(std::string_view line, bool& relist, bool& error_event) {
  WatchEvent event;
  std::string problem;
  if (!parse_watch_event(line, event, problem)) {
    // An event we cannot read may be one we missed: only a new list is sure to be complete.
    failed(problem);
    relist = true;
    return false;
  }
  if (event.type == WatchEvent::Type::error) {
    if (status_code_of(event.object) == 410) {
      relist = true;
    } else {
      failed("watch error event: " + std::to_string(status_code_of(event.object)) + " " +
             api_message(event.object.dump()));
      error_event = true;
    }
    return false;
  }
  const bool changed = mirror_.apply(event, problem);
  if (!problem.empty()) {
    ++stats_.object_errors;
    log_.warn("msg=\"kubernetes object skipped\" resource={} error={}", logged(describe(scope_)),
              logged(problem));
  }
  synced();
  if (changed) on_change_(mirror_);
  return true;
}

void ResourceWatch::failed(const std::string& what) {
  ++stats_.api_errors;
  log_.warn("msg=\"kubernetes discovery failed\" resource={} error={} retry_seconds={}",
            logged(describe(scope_)), logged(what), backoff_.count() / 1000.0);
}

void ResourceWatch::wait_backoff() {
  std::unique_lock<std::mutex> lock{mutex_};
  wake_.wait_for(lock, backoff_, [this] { return stop_; });
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void ResourceWatch::synced() {
  stats_.last_sync_unix_seconds = unix_now();
}

}  // namespace epsitter
