// The HTTP server (CivetWeb): serves /metrics from whatever the exposition source hands it.
#include "web/web_server.hpp"

#include <civetweb.h>
#include <spdlog/logger.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

void send_text(mg_connection* conn, int status, const std::string& body, const char* content_type,
               bool head_only, const char* allow = nullptr) {
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", content_type, -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  if (allow != nullptr) mg_response_header_add(conn, "Allow", allow, -1);
  mg_response_header_send(conn);
  if (!head_only && !body.empty()) mg_write(conn, body.data(), body.size());
}

bool is_get_or_head(const mg_request_info* info, bool& head_only) {
  head_only = std::strcmp(info->request_method, "HEAD") == 0;
  return head_only || std::strcmp(info->request_method, "GET") == 0;
}

int not_found(mg_connection* conn, bool head_only) {
  send_text(conn, 404, "404 not found\n", "text/plain; charset=utf-8", head_only);
  return 404;
}

int handle_metrics(mg_connection* conn, void* data) {
  auto* handlers = static_cast<WebServer::Handlers*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  bool head_only = false;
  // CivetWeb hands /metrics/anything to this handler too; only the exact path is ours.
  if (std::strcmp(info->local_uri, "/metrics") != 0) {
    is_get_or_head(info, head_only);
    return not_found(conn, head_only);
  }
  if (!is_get_or_head(info, head_only)) {
    send_text(conn, 405, "405 method not allowed\n", "text/plain; charset=utf-8", false,
              "GET, HEAD");
    return 405;
  }
  const auto text = handlers->exposition();
  if (!text) {
    send_text(conn, 503, "metrics not available\n", "text/plain; charset=utf-8", head_only);
    return 503;
  }
  send_text(conn, 200, *text, kExpositionContentType, head_only);
  return 200;
}

int handle_anything_else(mg_connection* conn, void* /*data*/) {
  bool head_only = false;
  is_get_or_head(mg_get_request_info(conn), head_only);
  return not_found(conn, head_only);
}

int log_civetweb_message(const mg_connection* conn, const char* message) {
  const mg_context* context = mg_get_context(conn);
  auto* handlers = static_cast<WebServer::Handlers*>(mg_get_user_data(context));
  if (handlers != nullptr) handlers->log->debug("msg=\"http server\" detail=\"{}\"", message);
  return 1;  // handled: CivetWeb prints nothing itself
}

}  // namespace

void WebServer::ContextDeleter::operator()(mg_context* context) const {
  mg_stop(context);
  mg_exit_library();
}

WebServer::WebServer(Options options, ExpositionSource exposition, spdlog::logger& log)
    : handlers_(std::make_unique<Handlers>(Handlers{std::move(exposition), &log})) {
  mg_init_library(0);
  const std::string port = std::to_string(options.port);
  const std::string threads = std::to_string(options.threads);
  // No document_root: CivetWeb serves no files and lists no directories, only our handlers.
  std::array<const char*, 11> config{"listening_ports",
                                     port.c_str(),
                                     "num_threads",
                                     threads.c_str(),
                                     "request_timeout_ms",
                                     "10000",
                                     "enable_keep_alive",
                                     "yes",
                                     "max_request_size",
                                     "16384",
                                     nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = log_civetweb_message;
  mg_init_data init{&callbacks, handlers_.get(), config.data()};
  std::array<char, 256> error_text{};
  unsigned error_code = 0;
  mg_error_data error{&error_code, error_text.data(), error_text.size()};
  mg_context* started = mg_start2(&init, &error);
  if (started == nullptr) {
    mg_exit_library();
    throw std::runtime_error("cannot start HTTP server on port " + port + ": " +
                             (error_text[0] != '\0' ? error_text.data() : "unknown error"));
  }
  context_.reset(started);
  mg_set_request_handler(started, "/metrics", handle_metrics, handlers_.get());
  mg_set_request_handler(started, "/", handle_anything_else, handlers_.get());

  std::array<mg_server_port, 4> ports{};
  const int count = mg_get_server_ports(started, static_cast<int>(ports.size()), ports.data());
  port_ = count > 0 ? ports[0].port : options.port;
}

WebServer::~WebServer() = default;

}  // namespace epsitter
