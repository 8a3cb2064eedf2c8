// The HTTP server (CivetWeb): dispatches exact and prefix paths to routes; else 404 or 405.
#pragma once

#include <memory>
#include <vector>

#include "web/route.hpp"

namespace spdlog {
class logger;
}

struct mg_context;

namespace epsitter {

class WebServer {
 public:
  struct Options {
    int port = 8989;   // 0: any free port; see port()
    int threads = 32;  // CivetWeb workers, one per open connection (slow clients hold one each)
  };

  // Starts listening at once. Throws std::runtime_error with CivetWeb's reason (e.g. port in use).
  WebServer(Options options, std::vector<Route> routes, spdlog::logger& log);
  ~WebServer();  // stops CivetWeb (waits for running handlers)
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const { return port_; }

  struct Dispatch;  // the routes and logger, as the C callbacks see them

 private:
  struct ContextDeleter {
    void operator()(mg_context* context) const;
  };
  std::unique_ptr<Dispatch> dispatch_;  // stable address for CivetWeb's callback data
  std::unique_ptr<mg_context, ContextDeleter> context_;
  int port_ = 0;
};

}  // namespace epsitter
