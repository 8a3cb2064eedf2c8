// The HTTP server (CivetWeb): hands each request to the Dispatcher and sends its answer within a
// deadline; optionally HTTPS and basic auth from the web config.
#include "web/web_server.hpp"

#include <civetweb.h>
#include <spdlog/logger.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "log/logfmt.hpp"
#include "web/basic_auth.hpp"
#include "web/dispatcher.hpp"
#include "web/response_deadline.hpp"
#include "web/tls_setup.hpp"

namespace epsitter {

HttpResponse HttpResponse::text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

namespace {

DispatchGuards guards_of(const WebServer::Options& options) {
  DispatchGuards guards;
  guards.hosts = HostPolicy{options.allowed_hosts};
  if (!options.basic_auth_users.empty()) {
    guards.auth = std::make_shared<BasicAuth>(options.basic_auth_users);
  }
  guards.page_slots = options.page_slots;
  return guards;
}

}  // namespace

struct WebServer::State {
  State(std::vector<Route> routes, const Options& options, spdlog::logger& logger)
      : dispatcher(std::move(routes), guards_of(options)),
        response_timeout(options.response_timeout),
        tls(options.tls),
        log(&logger) {}

  Dispatcher dispatcher;
  const std::chrono::milliseconds response_timeout;
  const std::optional<TlsServerConfig> tls;
  std::string tls_error;  // why init_ssl failed, for the exception at start
  spdlog::logger* const log;
};

namespace {

IncomingRequest incoming(const mg_request_info& info) {
  IncomingRequest request;
  request.method = info.request_method;
  // CivetWeb runs with decode_url=no: local_uri_raw is the path exactly as sent, and local_uri
  // differs from it only where CivetWeb removed dot segments.
  request.path = info.local_uri_raw != nullptr ? info.local_uri_raw : "";
  request.canonical = info.local_uri_raw != nullptr && info.local_uri != nullptr &&
                      std::string_view(info.local_uri_raw) == info.local_uri;
  request.query = info.query_string != nullptr ? info.query_string : "";
  for (int i = 0; i < info.num_headers; ++i) {
    request.headers.push_back({info.http_headers[i].name, info.http_headers[i].value});
  }
  request.field_limit_reached = info.num_headers >= MG_MAX_HEADERS;
  return request;
}

// Headers at once, then the body through a DeadlineWriter. Returns how the body went.
DeadlineWriter::Outcome send(mg_connection* conn, const HttpResponse& response, bool head_only,
                             std::chrono::milliseconds response_timeout) {
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
  if (head_only) return DeadlineWriter::Outcome::writing;
  const auto now = [] { return std::chrono::steady_clock::now(); };
  DeadlineWriter writer{[conn](std::string_view slice) {
                          return mg_write(conn, slice.data(), slice.size()) ==
                                 static_cast<int>(slice.size());
                        },
                        now() + response_allowance(length, response_timeout), now};
  if (response.streamed) {
    response.streamed->write([&writer](std::string_view piece) { return writer(piece); });
  } else {
    writer(body);
  }
  return writer.outcome();
}

// The one CivetWeb handler: every path comes here, so unknown paths are answered by us, not by
// CivetWeb's file serving (which has no document root anyway).
int handle(mg_connection* conn, void* data) {
  auto* state = static_cast<WebServer::State*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  Reply reply = state->dispatcher.dispatch(incoming(*info));
  if (!reply.refusal.empty()) {
    state->log->debug(
        "msg=\"http request refused\" method={} status={} reason={} client={}",
        logged(info->request_method), reply.response.status, logged(reply.refusal),
        logged(info->remote_addr));
  }
  if (!reply.failure.empty()) {
    state->log->error("msg=\"http handler failed\" path={} error={}",
                      logged(info->local_uri != nullptr ? info->local_uri : ""),
                      logged(reply.failure));
  }
  // Before the headers go out, so that they say `Connection: close`.
  if (reply.close) mg_disable_connection_keep_alive(conn);
  DeadlineWriter::Outcome outcome = DeadlineWriter::Outcome::writing;
  try {
    outcome = send(conn, reply.response, std::strcmp(info->request_method, "HEAD") == 0,
                   state->response_timeout);
  } catch (const std::exception& error) {
    // Only a streamed body can fail, after its headers went out: the client gets a short body.
    state->log->error("msg=\"http response cut short\" path={} error={}",
                      logged(info->local_uri != nullptr ? info->local_uri : ""),
                      logged(error.what()));
    outcome = DeadlineWriter::Outcome::client_gone;
  }
  if (outcome == DeadlineWriter::Outcome::deadline_passed) {
    state->log->warn(
        "msg=\"http response cut short\" reason=\"slower than its deadline\" path={} "
        "client={}",
        logged(info->local_uri != nullptr ? info->local_uri : ""), logged(info->remote_addr));
  }
  // A body cut short leaves the client waiting for bytes that never come: close, never reuse.
  if (outcome != DeadlineWriter::Outcome::writing) mg_disable_connection_keep_alive(conn);
  return reply.response.status;
}

// CivetWeb calls this with the SSL_CTX it made; 1 means we configured it all.
int init_tls(void* ssl_ctx, void* data) {
  auto* state = static_cast<WebServer::State*>(data);
  try {
    configure_tls(ssl_ctx, *state->tls);
    return 1;
  } catch (const std::exception& error) {
    state->tls_error = error.what();
    return -1;
  }
}

int log_civetweb_message(const mg_connection* conn, const char* message) {
  const mg_context* context = mg_get_context(conn);
  const auto* state = static_cast<const WebServer::State*>(mg_get_user_data(context));
  if (state != nullptr) state->log->debug("msg=\"http server\" detail={}", logged(message));
  return 1;  // handled: CivetWeb prints nothing itself
}

}  // namespace

void WebServer::ContextDeleter::operator()(mg_context* context) const {
  mg_stop(context);
  mg_exit_library();
}

WebServer::WebServer(Options options, std::vector<Route> routes, spdlog::logger& log)
    : state_(std::make_unique<State>(std::move(routes), options, log)) {
  mg_init_library(0);
  // "8989s": CivetWeb speaks TLS on it, with the context init_tls sets up.
  const std::string listening = std::to_string(options.port) + (options.tls ? "s" : "");
  const std::string threads = std::to_string(options.threads);
  // No document_root: CivetWeb serves no files and lists no directories, only our routes.
  // Each connection holds a worker until its request is complete, so a client that sends slowly
  // (or announces a body and never sends it) holds one for request_timeout_ms: the timeout is short
  // (a scrape request fits in one packet) and there are enough workers that a few such clients
  // leave room for Prometheus. The timeout also bounds each socket write; whole responses are
  // bounded by our own deadline (see send).
  std::array<const char*, 15> config{"listening_ports",
                                     listening.c_str(),
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
  if (options.tls) callbacks.init_ssl = init_tls;
  mg_init_data init{&callbacks, state_.get(), config.data()};
  std::array<char, 256> error_text{};
  unsigned error_code = 0;
  mg_error_data error{&error_code, error_text.data(), error_text.size()};
  mg_context* started = mg_start2(&init, &error);
  if (started == nullptr) {
    mg_exit_library();
    const std::string reason = !state_->tls_error.empty() ? state_->tls_error
                               : error_text[0] != '\0'    ? error_text.data()
                                                          : "unknown error";
    throw std::runtime_error("cannot start HTTP server on port " + listening + ": " + reason);
  }
  context_.reset(started);
  mg_set_request_handler(started, "/", handle, state_.get());

  std::array<mg_server_port, 4> ports{};
  const int count = mg_get_server_ports(started, static_cast<int>(ports.size()), ports.data());
  port_ = count > 0 ? ports[0].port : options.port;
}

WebServer::~WebServer() = default;

}  // namespace epsitter
