// The HTTP server (CivetWeb): hands each request to the Dispatcher and sends its answer within a
// deadline; optionally HTTPS and basic auth from the web config.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/defaults.hpp"
#include "config/web_config.hpp"
#include "web/route.hpp"

namespace spdlog {
class logger;
}

struct mg_context;

namespace epsitter {

class WebServer {
 public:
  struct Options {
    int port = defaults::kServerPort;  // 0: any free port; see port()
    // CivetWeb workers, one per open connection. 48 rather than CivetWeb's usual 32 so that
    // `page_slots` can stay generous while a third of the workers is always left over.
    int threads = 48;
    // Pages and reloads served at once (see DispatchGuards::page_slots). Prometheus' HA pair, a
    // few status pages and API clients need a handful; a scrape takes tens of milliseconds on a
    // cluster network. The other 32 workers serve /-/healthy and /-/ready, refusals, and clients
    // still sending their request (dropped after 5 s).
    int page_slots = 16;
    std::chrono::milliseconds response_timeout =
        defaults::kWebResponseTimeout;       // see response_deadline.hpp
    std::vector<std::string> allowed_hosts;  // WEB_ALLOWED_HOSTS globs (see host_policy.hpp)
    std::optional<TlsServerConfig> tls;      // set: HTTPS only
    std::map<std::string, std::string> basic_auth_users;  // not empty: pages and actions need it
  };

  // Starts listening at once. Throws std::runtime_error with CivetWeb's reason (e.g. port in use)
  // or, with TLS, the web config's field that failed.
  WebServer(Options options, std::vector<Route> routes, spdlog::logger& log);
  ~WebServer();  // stops CivetWeb (waits for running handlers)
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const { return port_; }

  struct State;  // what the C callbacks see

 private:
  struct ContextDeleter {
    void operator()(mg_context* context) const;
  };
  std::unique_ptr<State> state_;  // stable address for CivetWeb's callback data
  std::unique_ptr<mg_context, ContextDeleter> context_;
  int port_ = 0;
};

}  // namespace epsitter
