// The HTTP engine against a loopback server: results, limits, redirects, concurrency and stopping.

// Prints std::optional values in failed checks (headers the server did or did not get).
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/logger.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "loopback_server.hpp"
#include "probe/http_engine.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

ProbeRequest request_to(const std::string& url) {
  ProbeRequest request;
  request.url = url;
  request.default_user_agent = "epsitter-unit-test";
  return request;
}

// Submits one request and waits for its result; nullopt when none came within the generous wait.
std::optional<ProbeResult> probe(HttpEngine& engine, ProbeRequest request) {
  auto done = std::make_shared<std::promise<ProbeResult>>();
  auto result = done->get_future();
  engine.submit(std::make_shared<const ProbeRequest>(std::move(request)),
                [done](ProbeResult finished) { done->set_value(std::move(finished)); });
  if (result.wait_for(kGenerousWait) != std::future_status::ready) return std::nullopt;
  return result.get();
}

double phase_sum(const PhaseTimes& phases) {
  return phases.dns + phases.connect + phases.tls + phases.ttfb + phases.transfer;
}

bool has_header(const ResponseHeaders& headers, const std::string& name, const std::string& value) {
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

}  // namespace

TEST_CASE_METHOD(EngineFixture, "a GET answered 200 reports status, HTTP/1.1, timings and size") {
  server.on("/ok", Reply::respond(200, "hello", "X-Test: yes\r\n"));
  const auto result = probe(engine, request_to(server.url("/ok")));
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->status_code == 200);
  CHECK(result->http_version == 1.1);
  CHECK(result->redirects == 0);
  CHECK(result->response_bytes == 5);
  CHECK(result->duration_seconds > 0);
  for (const double phase : {result->phases.dns, result->phases.connect, result->phases.tls,
                             result->phases.ttfb, result->phases.transfer}) {
    CHECK(phase >= 0);
  }
  CHECK(phase_sum(result->phases) == Approx(result->duration_seconds).margin(1e-3));
  // Nothing was asked to be kept.
  CHECK(result->body.empty());
  CHECK(result->headers.empty());
  CHECK_FALSE(result->body_truncated);

  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].target == "/ok");
  CHECK(seen[0].header("User-Agent") == "epsitter-unit-test");
}

TEST_CASE_METHOD(EngineFixture, "the body is kept only when asked for, and cut at body_limit") {
  server.on("/small", Reply::respond(200, "0123456789"));
  SECTION("not asked for: counted, not kept") {
    const auto result = probe(engine, request_to(server.url("/small")));
    REQUIRE(result);
    CHECK(result->response_bytes == 10);
    CHECK(result->body.empty());
  }
  SECTION("asked for and within the limit: kept whole") {
    ProbeRequest request = request_to(server.url("/small"));
    request.keep_body = true;
    const auto result = probe(engine, request);
    REQUIRE(result);
    CHECK(result->body == "0123456789");
    CHECK_FALSE(result->body_truncated);
  }
  SECTION("longer than the limit: cut there, a success, and the rest never downloaded") {
    constexpr std::size_t kBig = 16 << 20;
    server.on("/big", Reply::respond(200, std::string(kBig, 'x')));
    ProbeRequest request = request_to(server.url("/big"));
    request.keep_body = true;
    request.body_limit = 1000;
    const auto result = probe(engine, request);
    REQUIRE(result);
    CHECK(result->error == ProbeError::none);
    CHECK(result->status_code == 200);
    CHECK(result->body == std::string(1000, 'x'));
    CHECK(result->response_bytes == 1000);
    CHECK(result->body_truncated);
    // The connection was closed with most of the body unsent: only socket buffers' worth left
    // the server (a few MiB at most on loopback).
    CHECK(server.bytes_sent() < kBig / 2);
  }
}

TEST_CASE_METHOD(EngineFixture, "response headers are kept only when asked for") {
  server.on("/headers", Reply::respond(200, "", "X-Test: yes\r\nX-Other:  spaced \r\n"));
  ProbeRequest request = request_to(server.url("/headers"));
  const auto plain = probe(engine, request);
  REQUIRE(plain);
  CHECK(plain->headers.empty());

  request.keep_headers = true;
  const auto kept = probe(engine, request);
  REQUIRE(kept);
  CHECK(has_header(kept->headers, "X-Test", "yes"));
  CHECK(has_header(kept->headers, "X-Other", "spaced"));
  CHECK(has_header(kept->headers, "Content-Length", "0"));
}

TEST_CASE_METHOD(EngineFixture, "a server that never answers fails as timeout after the timeout") {
  server.on("/hang", Reply::hang());
  ProbeRequest request = request_to(server.url("/hang"));
  request.timeout = 300ms;
  const auto submitted = std::chrono::steady_clock::now();
  const auto result = probe(engine, request);
  REQUIRE(result);
  // Lower bounds only: a loaded machine can make the probe later, never earlier.
  CHECK(std::chrono::steady_clock::now() - submitted >= request.timeout);
  CHECK(result->error == ProbeError::timeout);
  CHECK(result->status_code == 0);
  CHECK(result->duration_seconds >= 0.29);
  CHECK(server.count("/hang") == 1);
}

TEST_CASE_METHOD(EngineFixture, "a port that refuses fails as connection_refused") {
  const RefusedPort refused;
  const auto result = probe(engine, request_to(refused.url()));
  REQUIRE(result);
  CHECK(result->error == ProbeError::connection_refused);
  CHECK(result->status_code == 0);
  CHECK_FALSE(result->error_detail.empty());
}

TEST_CASE_METHOD(EngineFixture, "a server that closes without answering fails as reset") {
  server.on("/close", Reply::close());
  const auto result = probe(engine, request_to(server.url("/close")));
  REQUIRE(result);
  CHECK(result->error == ProbeError::reset);
  CHECK(result->status_code == 0);
}

TEST_CASE_METHOD(EngineFixture, "a redirect chain is followed and its hops counted") {
  server.on("/a", Reply::redirect(302, server.url("/b")));
  server.on("/b", Reply::redirect(301, "/c"));  // relative, resolved against /b
  server.on("/c", Reply::redirect(308, server.url("/d")));
  server.on("/d", Reply::respond(200, "end"));
  const auto result = probe(engine, request_to(server.url("/a")));
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->status_code == 200);
  CHECK(result->redirects == 3);
  CHECK(result->response_bytes == 3);
  // Every hop's time is in the total, and in the phases.
  CHECK(phase_sum(result->phases) == Approx(result->duration_seconds).margin(1e-3));
  std::vector<std::string> targets;
  for (const auto& request : server.requests()) targets.push_back(request.target);
  CHECK(targets == std::vector<std::string>{"/a", "/b", "/c", "/d"});
}

TEST_CASE_METHOD(EngineFixture,
                 "a POST becomes a bodiless GET after 302 and stays a POST after 307") {
  const int status = GENERATE(302, 307);
  server.on("/form", Reply::redirect(status, server.url("/landing")));
  server.on("/landing", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/form"));
  request.method = "POST";
  request.body = "payload=1";
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->status_code == 200);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].body == "payload=1");
  if (status == 302) {
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].body.empty());
    CHECK_FALSE(seen[1].header("Content-Length"));
  } else {
    CHECK(seen[1].method == "POST");
    CHECK(seen[1].body == "payload=1");
  }
}

TEST_CASE_METHOD(EngineFixture,
                 "credentials and secret headers go only to the first hop's origin") {
  LoopbackServer other;  // the same host on another port: another origin
  server.on("/start", Reply::redirect(302, server.url("/same")));
  server.on("/same", Reply::redirect(302, other.url("/elsewhere")));
  other.on("/elsewhere", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/start"));
  request.headers = {{"X-Api-Key", "k"}, {"X-Trace", "t"}};
  request.secret_headers = {"x-api-key"};  // names match ignoring case
  std::string authorization;
  SECTION("a bearer token") {
    request.bearer_token = "tok";
    authorization = "Bearer tok";
  }
  SECTION("basic auth") {
    request.auth_user = "user";
    request.auth_pass = "pw";
    authorization = "Basic dXNlcjpwdw==";
  }
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->status_code == 200);
  CHECK(result->redirects == 2);

  const auto first = server.requests();
  REQUIRE(first.size() == 2);
  for (const auto& hop : first) {
    CAPTURE(hop.target);
    CHECK(hop.header("Authorization") == authorization);
    CHECK(hop.header("X-Api-Key") == "k");
    CHECK(hop.header("X-Trace") == "t");
  }
  const auto elsewhere = other.requests();
  REQUIRE(elsewhere.size() == 1);
  CHECK_FALSE(elsewhere[0].header("Authorization"));
  CHECK_FALSE(elsewhere[0].header("X-Api-Key"));
  CHECK(elsewhere[0].header("X-Trace") == "t");
}

TEST_CASE_METHOD(EngineFixture, "credentials in the URL go to that URL only") {
  LoopbackServer other;
  server.on("/start", Reply::redirect(302, other.url("/elsewhere")));
  other.on("/elsewhere", Reply::respond(200));
  const std::string url = "http://u:p@127.0.0.1:" + std::to_string(server.port()) + "/start";
  const auto result = probe(engine, request_to(url));
  REQUIRE(result);
  CHECK(result->status_code == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].header("Authorization") == "Basic dTpw");
  REQUIRE(other.requests().size() == 1);
  CHECK_FALSE(other.requests()[0].header("Authorization"));
}

TEST_CASE_METHOD(EngineFixture, "10 redirects are followed, the 11th fails as too_many_redirects") {
  // /hop/N redirects to /hop/N-1; /hop/0 answers.
  server.on("/hop/0", Reply::respond(200));
  for (int n = 1; n <= 11; ++n) {
    server.on("/hop/" + std::to_string(n), Reply::redirect(302, "/hop/" + std::to_string(n - 1)));
  }
  const auto ten = probe(engine, request_to(server.url("/hop/10")));
  REQUIRE(ten);
  CHECK(ten->error == ProbeError::none);
  CHECK(ten->redirects == 10);
  CHECK(server.requests().size() == 11);

  const auto eleven = probe(engine, request_to(server.url("/hop/11")));
  REQUIRE(eleven);
  CHECK(eleven->error == ProbeError::too_many_redirects);
  CHECK(eleven->status_code == 0);
  CHECK(server.requests().size() == 11 + 11);  // /hop/11 to /hop/1; /hop/0 never asked
}

TEST_CASE_METHOD(EngineFixture, "a flood of response header lines fails as protocol") {
  const auto lines = [](int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "X-Flood-" + std::to_string(i) + ": v\r\n";
    return text;
  };
  // The status line, Content-Length, Connection and the blank line make 4 more.
  server.on("/many", Reply::respond(200, "ok", lines(240)));
  server.on("/flood", Reply::respond(200, "ok", lines(300)));
  const auto many = probe(engine, request_to(server.url("/many")));
  REQUIRE(many);
  CHECK(many->error == ProbeError::none);
  const auto flood = probe(engine, request_to(server.url("/flood")));
  REQUIRE(flood);
  CHECK(flood->error == ProbeError::protocol);
  CHECK(flood->status_code == 0);
}

TEST_CASE("max_transfers bounds the transfers open at once; the others wait their turn") {
  const auto log = make_stderr_logger(LogLevel::critical);
  LoopbackServer server;
  server.on("/hang", Reply::hang());
  std::mutex mutex;
  std::vector<std::size_t> seen_at_completion;  // requests the server had seen, per completion
  std::vector<ProbeError> errors;
  HttpEngine engine{*log, 2};  // after what its completions touch: stopped before they go
  ProbeRequest request = request_to(server.url("/hang"));
  request.timeout = 700ms;
  const auto shared = std::make_shared<const ProbeRequest>(request);
  for (int i = 0; i < 4; ++i) {
    engine.submit(shared, [&](ProbeResult result) {
      const std::lock_guard<std::mutex> lock(mutex);
      seen_at_completion.push_back(server.count("/hang"));
      errors.push_back(result.error);
    });
  }
  CHECK(engine.in_flight() == 4);
  REQUIRE(wait_until([&] {
    const std::lock_guard<std::mutex> lock(mutex);
    return errors.size() == 4;
  }));
  // A completion runs before the engine starts the next transfer, so when the k-th (from 1) runs
  // at most k - 1 + 2 transfers have been started: with a third one open, the server would have
  // seen 3 requests at the first completion.
  const std::lock_guard<std::mutex> lock(mutex);
  for (std::size_t k = 1; k <= 4; ++k) {
    CAPTURE(k);
    CHECK(seen_at_completion[k - 1] <= k + 1);
    CHECK(errors[k - 1] == ProbeError::timeout);
  }
  CHECK(server.count("/hang") == 4);
  CHECK(engine.in_flight() == 0);
}

TEST_CASE("stop() with transfers hanging returns promptly and calls no completion") {
  const auto log = make_stderr_logger(LogLevel::critical);
  LoopbackServer server;
  server.on("/hang", Reply::hang());
  std::atomic<int> completions{0};
  HttpEngine engine{*log, 16};
  ProbeRequest request = request_to(server.url("/hang"));
  request.timeout = 120s;  // far beyond the bound below: only stop() can end these
  const auto shared = std::make_shared<const ProbeRequest>(request);
  for (int i = 0; i < 3; ++i) engine.submit(shared, [&](ProbeResult) { ++completions; });
  REQUIRE(wait_until([&] { return server.count("/hang") == 3; }));

  const auto stopping = std::chrono::steady_clock::now();
  engine.stop();
  CHECK(std::chrono::steady_clock::now() - stopping < 30s);  // not the transfers' 120 s
  CHECK(engine.in_flight() == 0);
  // The engine's thread is joined: nothing can call a completion any more.
  engine.submit(shared, [&](ProbeResult) { ++completions; });
  CHECK(engine.in_flight() == 0);
  engine.stop();  // idempotent
  CHECK(completions == 0);
}

TEST_CASE_METHOD(EngineFixture, "in_flight() counts requests submitted and not yet completed") {
  server.on("/hang", Reply::hang());
  server.on("/ok", Reply::respond(200));
  CHECK(engine.in_flight() == 0);
  ProbeRequest hanging = request_to(server.url("/hang"));
  hanging.timeout = 120s;
  const auto shared = std::make_shared<const ProbeRequest>(hanging);
  engine.submit(shared, [](ProbeResult) {});
  engine.submit(shared, [](ProbeResult) {});
  CHECK(engine.in_flight() == 2);  // counted at submit(), before the engine's thread sees them
  const auto quick = probe(engine, request_to(server.url("/ok")));
  REQUIRE(quick);
  CHECK(quick->status_code == 200);
  CHECK(engine.in_flight() == 2);
  engine.stop();
  CHECK(engine.in_flight() == 0);
}
