// A target actor with a real actor system, HTTP engine and loopback server: its schedule, its
// results, one probe at a time, stopping; and the request it builds from a target.

// Prints std::optional values in failed checks (failure reasons).
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actor_stubs.hpp"
#include "actors/messages.hpp"
#include "actors/target_actor.hpp"
#include "loopback_server.hpp"
#include "probe/http_engine.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

// Keeps every logged message, to check what the actor said.
class LogLines : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::size_t count(const std::string& part, const std::string& other_part) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& line : lines_) {
      n += line.find(part) != std::string::npos && line.find(other_part) != std::string::npos;
    }
    return n;
  }

  // The value after `key` (up to the next space) in the first line containing `part`; empty when
  // there is none.
  std::string value_after(const std::string& part, const std::string& key) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& line : lines_) {
      const auto at = line.find(key);
      if (line.find(part) == std::string::npos || at == std::string::npos) continue;
      const auto from = at + key.size();
      return line.substr(from, line.find(' ', from) - from);
    }
    return {};
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.emplace_back(message.payload.data(), message.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// Holds a request until the test opens it; opened at the latest when the fixture ends, so that
// the server's threads can be joined.
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }
  void open() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Declaration order is teardown order, reversed: the actors end first, then the engine (which
// holds handles to them in its completions) while the actor system still runs, then the system,
// and the server last.
struct ActorFixture {
  std::shared_ptr<LogLines> lines = std::make_shared<LogLines>();
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("unit", lines);
  std::shared_ptr<Outcomes> outcomes = std::make_shared<Outcomes>();
  Gate gate;
  LoopbackServer server;
  SmallSystemConfig config;
  caf::actor_system system{config};
  HttpEngine engine{*log, 16};
  caf::actor metrics = system.spawn(metrics_stub, outcomes);
  std::vector<caf::actor> targets;

  ~ActorFixture() {
    gate.open();
    for (const auto& actor : targets) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
    engine.stop();
  }

  SharedTarget target(const std::string& name, const std::string& path,
                      std::chrono::milliseconds interval,
                      std::chrono::milliseconds timeout = 10s) const {
    auto made = std::make_shared<Target>();
    made->labels = {name, "unit", "get", server.url(path)};
    made->url = server.url(path);
    made->interval = interval;
    made->timeout = timeout;
    return made;
  }

  caf::actor spawn(SharedTarget target, caf::actor_clock::time_point first_probe) {
    auto context = std::make_shared<ProbeContext>();
    context->engine = &engine;
    context->metrics = metrics;
    context->results = &outcomes->inbox();
    context->log = log.get();
    context->user_agent = "epsitter-unit-test";
    // The parent only spawns: a scoped actor's normal exit does not end its linked children.
    const caf::scoped_actor parent{system};
    targets.push_back(
        spawn_target_actor(*parent, std::move(target), std::move(context), first_probe));
    return targets.back();
  }
};

}  // namespace

TEST_CASE_METHOD(ActorFixture,
                 "probes happen on schedule and each result reaches the metrics actor") {
  server.on("/ok", Reply::respond(200));
  server.on("/broken", Reply::respond(500));
  constexpr auto kInterval = 100ms;
  const auto first = std::chrono::steady_clock::now() + kInterval;
  spawn(target("ok", "/ok", kInterval), first);
  spawn(target("broken", "/broken", kInterval), first);
  REQUIRE(wait_until([&] { return outcomes->count("ok") >= 4 && outcomes->count("broken") >= 4; }));

  for (const auto& outcome : outcomes->of("ok")) {
    CHECK(outcome.status_code == 200);
    CHECK(outcome.error == ProbeError::none);
    CHECK_FALSE(outcome.failure);
  }
  for (const auto& outcome : outcomes->of("broken")) {
    CHECK(outcome.status_code == 500);
    CHECK(outcome.failure == FailureReason::status);
  }
  // Never early: the k-th probe (from 0) is planned at first + k * interval or, when rounds were
  // missed, later. (How late a loaded machine makes it is not asserted.)
  for (const std::string path : {"/ok", "/broken"}) {
    std::size_t k = 0;
    for (const auto& request : server.requests()) {
      if (request.path() != path) continue;
      CAPTURE(path, k);
      CHECK(request.arrived >= first + kInterval * k);
      ++k;
    }
  }
  // Every request the server answered produced one result, and no result came without one.
  for (const std::string name : {"ok", "broken"}) {
    const std::size_t answered = server.count("/" + name);
    CHECK(outcomes->count(name) <= answered);
    CHECK(wait_until([&] { return outcomes->count(name) >= answered; }));
  }
}

TEST_CASE_METHOD(ActorFixture, "a target is not probed again while its probe is in flight") {
  server.on("/slow", [this](const RecordedRequest&) {
    gate.wait();  // the first request hangs until the test opens the gate; later ones pass
    return Reply::respond(200);
  });
  spawn(target("slow", "/slow", 50ms, 60s), std::chrono::steady_clock::now());
  REQUIRE(wait_until([&] { return server.count("/slow") == 1; }));
  // Rounds come due every 50 ms while the first probe hangs: none of them sends a second request.
  std::this_thread::sleep_for(300ms);
  CHECK(server.count("/slow") == 1);
  CHECK(engine.in_flight() == 1);
  CHECK(outcomes->count("slow") == 0);

  gate.open();
  REQUIRE(wait_until([&] { return outcomes->count("slow") >= 2; }));
  for (const auto& outcome : outcomes->of("slow")) CHECK(outcome.status_code == 200);
  CHECK(server.count("/slow") >= 2);
  // The late result logs the rounds it cost, once: at least the five that passed in the wait.
  CHECK(lines->count("probe skipped, previous one still running", "target=\"slow\"") == 1);
  const std::string rounds = lines->value_after("probe skipped", "rounds=");
  CAPTURE(rounds);
  CHECK(std::stoi(rounds) >= 5);
}

TEST_CASE_METHOD(ActorFixture, "a stopped target actor's next probe is never sent") {
  server.on("/ok", Reply::respond(200));
  const caf::actor actor = spawn(target("ok", "/ok", 200ms), std::chrono::steady_clock::now());
  REQUIRE(wait_until([&] { return outcomes->count("ok") >= 1; }));
  const caf::scoped_actor self{system};
  self->monitor(actor);
  self->send(actor, stop_atom::value);
  self->receive([](const caf::down_msg&) {}, caf::after(kGenerousWait) >> [] {});
  const std::size_t sent = server.count("/ok");
  // Two more intervals: a probe planned before the stop would have gone out by now.
  std::this_thread::sleep_for(500ms);
  CHECK(server.count("/ok") == sent);
}

TEST_CASE_METHOD(ActorFixture, "stop_atom ends a target actor") {
  server.on("/ok", Reply::respond(200));
  const caf::actor actor = spawn(target("ok", "/ok", 100ms), std::chrono::steady_clock::now());
  REQUIRE(wait_until([&] { return outcomes->count("ok") >= 1; }));
  const caf::scoped_actor self{system};
  self->monitor(actor);
  self->send(actor, stop_atom::value);
  bool ended = false;
  self->receive([&](const caf::down_msg& down) { ended = down.source == actor.address(); },
                caf::after(kGenerousWait) >> [] {});
  CHECK(ended);
}

TEST_CASE("make_probe_request carries the target's request settings over") {
  Target target;
  target.labels.method = "post";  // as the config wrote it; the request uses Target::method
  target.method = "POST";
  target.url = "https://user:pw@example.com/health";
  target.timeout = 2500ms;
  target.body = "a=1";
  target.headers = {{"X-Api-Key", "k"}, {"Content-Type", "text/plain"}};
  target.follow_redirects = false;
  target.keepalive = true;
  target.ip_version = 6;
  target.insecure_skip_verify = true;
  target.body_limit = 1234;
  TargetExtras& extras = target.extras.write();
  extras.auth_user = "user";
  extras.auth_pass = "pw";
  extras.bearer_token = "token";
  extras.secret_headers = {"X-Api-Key"};
  extras.ca_file = "/ca.pem";
  extras.cert_file = "/cert.pem";
  extras.key_file = "/key.pem";
  extras.server_name = "internal.example.com";
  extras.proxy = "http://proxy:3128";
  extras.no_proxy = "localhost";
  ProbeContext context;
  context.default_timeout = 7s;
  context.user_agent = "epsitter/test";

  const ProbeRequest request = make_probe_request(target, context);
  CHECK(request.url == target.url);
  CHECK(request.method == "POST");
  CHECK(request.timeout == 2500ms);
  CHECK(request.body == "a=1");
  CHECK(request.headers == target.headers);
  CHECK(request.secret_headers == std::vector<std::string>{"X-Api-Key"});
  CHECK(request.auth_user == "user");
  CHECK(request.auth_pass == "pw");
  CHECK(request.bearer_token == "token");
  CHECK(request.default_user_agent == "epsitter/test");
  CHECK_FALSE(request.follow_redirects);
  CHECK(request.keepalive);
  CHECK(request.ip_version == 6);
  CHECK(request.insecure_skip_verify);
  CHECK(request.ca_file == "/ca.pem");
  CHECK(request.cert_file == "/cert.pem");
  CHECK(request.key_file == "/key.pem");
  CHECK(request.server_name == "internal.example.com");
  CHECK(request.proxy == "http://proxy:3128");
  CHECK(request.no_proxy == "localhost");
  CHECK(request.body_limit == 1234);
}

TEST_CASE("make_probe_request takes the context's timeout when the target sets none") {
  Target target;
  target.url = "http://example.com/";
  ProbeContext context;
  context.default_timeout = 7s;
  const ProbeRequest request = make_probe_request(target, context);
  CHECK(request.timeout == 7s);
  CHECK(request.method == "GET");
  CHECK_FALSE(request.auth_user);
  CHECK_FALSE(request.bearer_token);
  CHECK(request.secret_headers.empty());
}

TEST_CASE("make_probe_request keeps the body and headers only when expectations read them") {
  Target target;
  ProbeContext context;
  SECTION("no expectation but the status: neither") {
    const ProbeRequest request = make_probe_request(target, context);
    CHECK_FALSE(request.keep_body);
    CHECK_FALSE(request.keep_headers);
  }
  SECTION("a body pattern: the body") {
    target.extras.write().expect.body = compile_pattern("ok");
    const ProbeRequest request = make_probe_request(target, context);
    CHECK(request.keep_body);
    CHECK_FALSE(request.keep_headers);
  }
  SECTION("a pattern the body must not match: the body") {
    target.extras.write().expect.body_absent = compile_pattern("error");
    CHECK(make_probe_request(target, context).keep_body);
  }
  SECTION("a JSON path: the body") {
    target.extras.write().expect.json = {make_json_expectation("state", {"state"}, "\"ok\"")};
    CHECK(make_probe_request(target, context).keep_body);
  }
  SECTION("a header pattern: the headers") {
    target.extras.write().expect.headers = {{"X-Version", compile_pattern("^2")}};
    const ProbeRequest request = make_probe_request(target, context);
    CHECK(request.keep_headers);
    CHECK_FALSE(request.keep_body);
  }
}
