// The HTTP engine under test, beside a loopback server: one probe at a time, and what its result says.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/logger.h>
#include <sys/socket.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "log/logger.hpp"
#include "loopback_server.hpp"
#include "probe/http_engine.hpp"
#include "wait_until.hpp"

namespace epsitter::testing {

inline ProbeRequest request_to(const std::string& url) {
  ProbeRequest request;
  request.url = url;
  request.default_user_agent = "epsitter-unit-test";
  return request;
}

// Submits one request and waits for its result; nullopt when none came within the generous wait.
inline std::optional<ProbeResult> probe(HttpEngine& engine, ProbeRequest request) {
  auto done = std::make_shared<std::promise<ProbeResult>>();
  auto result = done->get_future();
  engine.submit(std::make_shared<const ProbeRequest>(std::move(request)),
                [done](ProbeResult finished) { done->set_value(std::move(finished)); });
  if (result.wait_for(kGenerousWait) != std::future_status::ready) return std::nullopt;
  return result.get();
}

inline double phase_sum(const PhaseTimes& phases) {
  return phases.dns + phases.connect + phases.tls + phases.ttfb + phases.transfer;
}

inline bool has_header(const ResponseHeaders& headers, const std::string& name, const std::string& value) {
  return std::find(headers.begin(), headers.end(), std::make_pair(name, value)) != headers.end();
}

// A port bound on 127.0.0.1 but not listening: connections to it are refused, and while this
// object lives no other test can take the port.
class RefusedPort {
 public:
  RefusedPort() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(socket_.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port_ = ntohs(address.sin_port);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  Descriptor socket_;
  int port_ = 0;
};

// The engine is declared after the server, so it stops (aborting its transfers) before the server
// stops answering.
struct EngineFixture {
  std::shared_ptr<spdlog::logger> log = make_stderr_logger(LogLevel::critical);
  LoopbackServer server;
  HttpEngine engine{*log, 16};
};

}  // namespace epsitter::testing
