// The HTTP server (CivetWeb): dispatches exact and prefix paths to routes; else 404 or 405.
#include "web/web_server.hpp"

#include <civetweb.h>
#include <spdlog/logger.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

namespace epsitter {

HttpResponse HttpResponse::text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

struct WebServer::Dispatch {
  std::vector<Route> routes;
  spdlog::logger* log;
};

namespace {

void send(mg_connection* conn, const HttpResponse& response, bool head_only) {
  const std::string& body = response.body ? *response.body : std::string{};
  mg_response_header_start(conn, response.status);
  mg_response_header_add(conn, "Content-Type", response.content_type.c_str(), -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
  for (const auto& [name, value] : response.headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (!head_only && !body.empty()) mg_write(conn, body.data(), body.size());
}

bool allows(const Route& route, const std::string& method) {
  const auto& methods = route.methods;
  if (std::find(methods.begin(), methods.end(), method) != methods.end()) return true;
  return method == "HEAD" && std::find(methods.begin(), methods.end(), "GET") != methods.end();
}

std::string allow_header(const Route& route) {
  std::string allow;
  for (const auto& method : route.methods) {
    allow += allow.empty() ? method : ", " + method;
    if (method == "GET") allow += ", HEAD";
  }
  return allow;
}

// Exact routes match CivetWeb's URL-decoded, dot-segment-cleaned path. Prefix routes match the
// decoded path before cleaning, so that a name holding "/" or ".." (sent as %2F) arrives whole.
std::vector<Route>::const_iterator find_route(const std::vector<Route>& routes,
                                              const std::string& path, const std::string& uncleaned,
                                              std::string& subpath) {
  const auto exact = std::find_if(routes.begin(), routes.end(),
                                  [&path](const Route& r) { return !r.prefix && r.path == path; });
  if (exact != routes.end()) return exact;
  const auto prefixed = std::find_if(routes.begin(), routes.end(), [&uncleaned](const Route& r) {
    return r.prefix && uncleaned.compare(0, r.path.size(), r.path) == 0;
  });
  if (prefixed != routes.end()) subpath = uncleaned.substr(prefixed->path.size());
  return prefixed;
}

HttpResponse respond(const WebServer::Dispatch& dispatch, const mg_request_info& info,
                     mg_connection* conn) {
  const std::string path = info.local_uri != nullptr ? info.local_uri : "";
  // CivetWeb decodes local_uri_raw too (decode_url defaults to yes); it only skips the cleaning.
  const std::string uncleaned = info.local_uri_raw != nullptr ? info.local_uri_raw : path;
  std::string subpath;
  const auto route = find_route(dispatch.routes, path, uncleaned, subpath);
  if (route == dispatch.routes.end()) return HttpResponse::text(404, "404 not found\n");
  const std::string method = info.request_method;
  if (!allows(*route, method)) {
    HttpResponse response = HttpResponse::text(405, "405 method not allowed\n");
    response.headers.emplace_back("Allow", allow_header(*route));
    return response;
  }
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.query = info.query_string != nullptr ? info.query_string : "";
  request.subpath = std::move(subpath);
  request.header = [conn](const char* name) { return mg_get_header(conn, name); };
  return route->handler(request);
}

// The one CivetWeb handler: every path comes here, so unknown paths are answered by us, not by
// CivetWeb's file serving (which has no document root anyway).
int handle(mg_connection* conn, void* data) {
  const auto* dispatch = static_cast<const WebServer::Dispatch*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  HttpResponse response;
  try {
    response = respond(*dispatch, *info, conn);
  } catch (const std::exception& error) {
    dispatch->log->error("msg=\"http handler failed\" path=\"{}\" error=\"{}\"",
                         info->local_uri != nullptr ? info->local_uri : "", error.what());
    response = HttpResponse::text(500, "500 internal error\n");
  }
  send(conn, response, std::strcmp(info->request_method, "HEAD") == 0);
  return response.status;
}

int log_civetweb_message(const mg_connection* conn, const char* message) {
  const mg_context* context = mg_get_context(conn);
  const auto* dispatch = static_cast<const WebServer::Dispatch*>(mg_get_user_data(context));
  if (dispatch != nullptr) dispatch->log->debug("msg=\"http server\" detail=\"{}\"", message);
  return 1;  // handled: CivetWeb prints nothing itself
}

}  // namespace

void WebServer::ContextDeleter::operator()(mg_context* context) const {
  mg_stop(context);
  mg_exit_library();
}

WebServer::WebServer(Options options, std::vector<Route> routes, spdlog::logger& log)
    : dispatch_(std::make_unique<Dispatch>(Dispatch{std::move(routes), &log})) {
  mg_init_library(0);
  const std::string port = std::to_string(options.port);
  const std::string threads = std::to_string(options.threads);
  // No document_root: CivetWeb serves no files and lists no directories, only our routes.
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
  mg_init_data init{&callbacks, dispatch_.get(), config.data()};
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
  mg_set_request_handler(started, "/", handle, dispatch_.get());

  std::array<mg_server_port, 4> ports{};
  const int count = mg_get_server_ports(started, static_cast<int>(ports.size()), ports.data());
  port_ = count > 0 ? ports[0].port : options.port;
}

WebServer::~WebServer() = default;

}  // namespace epsitter
