// The HTTP server (CivetWeb): serves /metrics from whatever the exposition source hands it.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

struct mg_context;

namespace epsitter {

class WebServer {
 public:
  // Returns the current exposition text. Called on CivetWeb worker threads.
  using ExpositionSource = std::function<std::shared_ptr<const std::string>()>;

  struct Options {
    int port = 8989;  // 0: any free port; see port()
    int threads = 8;  // CivetWeb workers, one per open connection
  };

  // Starts listening at once. Throws std::runtime_error with CivetWeb's reason (e.g. port in use).
  WebServer(Options options, ExpositionSource exposition, spdlog::logger& log);
  ~WebServer();  // stops CivetWeb (waits for running handlers)
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const { return port_; }

  // What handlers need; public so that the C callbacks in web_server.cpp can reach it.
  struct Handlers {
    ExpositionSource exposition;
    spdlog::logger* log;
  };

 private:
  struct ContextDeleter {
    void operator()(mg_context* context) const;
  };
  std::unique_ptr<Handlers> handlers_;  // stable address for CivetWeb's callback data
  std::unique_ptr<mg_context, ContextDeleter> context_;
  int port_ = 0;
};

}  // namespace epsitter
