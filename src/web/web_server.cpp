// The HTTP server (CivetWeb): dispatches exact and prefix paths to routes; else 404 or 405.
#include "web/web_server.hpp"

#include <civetweb.h>
#include <spdlog/logger.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "log/logfmt.hpp"
#include "web/url_decode.hpp"

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
  const std::uint64_t length = response.streamed ? response.streamed->length : body.size();
  mg_response_header_start(conn, response.status);
  mg_response_header_add(conn, "Content-Type", response.content_type.c_str(), -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(length).c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
  for (const auto& [name, value] : response.headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (head_only) return;
  if (response.streamed) {
    response.streamed->write([conn](std::string_view piece) {
      return piece.empty() || mg_write(conn, piece.data(), piece.size()) > 0;
    });
  } else if (!body.empty()) {
    mg_write(conn, body.data(), body.size());
  }
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

// Routes are plain ASCII paths. A path that needs decoding or normalising ("%2e%2e", "%00",
// "/a/../b", "//metrics") names none of them and is refused, not guessed at. CivetWeb runs with
// decode_url=no, so local_uri_raw is the path exactly as sent. Only the one segment a prefix route
// takes (a target's name) may be percent-encoded: it is decoded, never normalised.
bool is_plain(std::string_view path, bool allow_percent) {
  return std::none_of(path.begin(), path.end(), [allow_percent](char c) {
    return (c == '%' && !allow_percent) || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
           c == 0x7f;
  });
}

bool is_canonical(const mg_request_info& info) {
  return info.local_uri_raw != nullptr && info.local_uri != nullptr &&
         std::string_view(info.local_uri_raw) == info.local_uri;
}

// An exact route for a plain path; else a prefix route followed by one percent-encoded segment
// ("/" inside a name arrives as %2F), decoded into `subpath`.
const Route* find_route(const std::vector<Route>& routes, std::string_view path,
                        std::string& subpath) {
  if (is_plain(path, false)) {
    for (const auto& route : routes) {
      if (!route.prefix && route.path == path) return &route;
    }
  }
  for (const auto& route : routes) {
    if (!route.prefix || path.substr(0, route.path.size()) != route.path) continue;
    const std::string_view rest = path.substr(route.path.size());
    if (rest.find('/') != std::string_view::npos || !is_plain(rest, true)) return nullptr;
    subpath = url_decode(rest);
    return &route;
  }
  return nullptr;
}

HttpResponse respond(const WebServer::Dispatch& dispatch, const mg_request_info& info,
                     mg_connection* conn) {
  if (!is_canonical(info)) {
    return HttpResponse::text(400, "400 bad request: encoded or non-canonical path\n");
  }
  const std::string path = info.local_uri_raw;
  std::string subpath;
  const Route* route = find_route(dispatch.routes, path, subpath);
  if (route == nullptr && !is_plain(path, false)) {
    return HttpResponse::text(400, "400 bad request: encoded or non-canonical path\n");
  }
  if (route == nullptr) return HttpResponse::text(404, "404 not found\n");
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
    dispatch->log->error("msg=\"http handler failed\" path={} error={}",
                         logged(info->local_uri != nullptr ? info->local_uri : ""),
                         logged(error.what()));
    response = HttpResponse::text(500, "500 internal error\n");
  }
  try {
    send(conn, response, std::strcmp(info->request_method, "HEAD") == 0);
  } catch (const std::exception& error) {
    // Only a streamed body can fail, after its headers went out: the client gets a short body.
    dispatch->log->error("msg=\"http response cut short\" path={} error={}",
                         logged(info->local_uri != nullptr ? info->local_uri : ""),
                         logged(error.what()));
  }
  return response.status;
}

int log_civetweb_message(const mg_connection* conn, const char* message) {
  const mg_context* context = mg_get_context(conn);
  const auto* dispatch = static_cast<const WebServer::Dispatch*>(mg_get_user_data(context));
  if (dispatch != nullptr) dispatch->log->debug("msg=\"http server\" detail={}", logged(message));
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
  // Each connection holds a worker until its request is complete, so a client that sends slowly
  // (or announces a body and never sends it) holds one for request_timeout_ms: the timeout is short
  // (a scrape request fits in one packet) and there are enough workers that a few such clients
  // leave room for Prometheus.
  std::array<const char*, 15> config{"listening_ports",
                                     port.c_str(),
                                     "num_threads",
                                     threads.c_str(),
                                     "request_timeout_ms",
                                     "5000",
                                     "keep_alive_timeout_ms",
                                     "500",
                                     "enable_keep_alive",
                                     "yes",
                                     "max_request_size",
                                     "16384",
                                     "decode_url",
                                     "no",
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
