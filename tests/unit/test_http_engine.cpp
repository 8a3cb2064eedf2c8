// The HTTP engine against a loopback server: results, limits, failures, concurrency and stopping
// (redirects: test_engine_redirects.cpp).

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

#include "engine_fixture.hpp"
#include "probe/http_engine.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

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

TEST_CASE_METHOD(EngineFixture,
                 "a body longer than max_body_size is flagged and not read further") {
  server.on("/exact", Reply::respond(200, std::string(1000, 'x')));
  server.on("/over", Reply::respond(200, std::string(1001, 'x')));
  ProbeRequest request = request_to(server.url("/exact"));
  request.keep_body = true;
  request.max_body_size = 1000;
  const auto exact = probe(engine, request);
  REQUIRE(exact);
  CHECK(exact->error == ProbeError::none);
  CHECK_FALSE(exact->body_too_large);
  CHECK(exact->body.size() == 1000);

  request.url = server.url("/over");
  const auto over = probe(engine, request);
  REQUIRE(over);
  CHECK(over->error == ProbeError::none);  // a response arrived; the evaluator fails it
  CHECK(over->status_code == 200);
  CHECK(over->body_too_large);
  CHECK_FALSE(over->body_truncated);
  CHECK(over->response_bytes == 1000);
  CHECK(over->body.size() == 1000);  // never more than the limit is kept
}

TEST_CASE_METHOD(EngineFixture, "an endless body stops at max_body_size") {
  // Without the limit this would stream until the timeout.
  server.on("/endless",
            Reply::stream(200, [](std::size_t) { return std::string(16 * 1024, 'y'); }));
  ProbeRequest request = request_to(server.url("/endless"));
  request.max_body_size = 64 * 1024;
  request.timeout = std::chrono::seconds(20);
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->body_too_large);
  CHECK(result->response_bytes == 64 * 1024);
  CHECK(result->duration_seconds < 10);
}

TEST_CASE_METHOD(EngineFixture, "a redirect whose body is over max_body_size is not followed") {
  server.on("/moved", Reply::respond(302, std::string(5000, 'r'),
                                     "Location: " + server.url("/landing") + "\r\n"));
  server.on("/landing", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/moved"));
  request.max_body_size = 1000;
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->body_too_large);
  CHECK(result->status_code == 302);
  CHECK(server.count("/landing") == 0);
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
