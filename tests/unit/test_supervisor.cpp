// The supervisor with a real actor system, HTTP engine and loopback server: one target
// actor per target, a new target set applied as a diff, and everything ending with it.
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor_stubs.hpp"
#include "actors/messages.hpp"
#include "actors/supervisor.hpp"
#include "actors/target_actor.hpp"
#include "loopback_server.hpp"
#include "probe/http_engine.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

using Names = std::vector<std::string>;

// Long enough that a target probes once, at its first probe time, during a test.
constexpr std::chrono::milliseconds kOnce = std::chrono::hours(1);
constexpr std::chrono::milliseconds kOften = 40ms;

// Declaration order is teardown order, reversed: the actors end first, then the engine (which
// holds handles to them in its completions) while the actor system still runs, then the system,
// and the server last.
struct SupervisorFixture {
  std::shared_ptr<spdlog::logger> log =
      std::make_shared<spdlog::logger>("unit", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::shared_ptr<Outcomes> outcomes = std::make_shared<Outcomes>();
  LoopbackServer server;
  SmallSystemConfig config;
  caf::actor_system system{config};
  HttpEngine engine{*log, 16};
  caf::actor metrics = system.spawn(metrics_stub, outcomes);
  caf::actor supervisor = spawn_supervisor(system, context());
  std::vector<caf::actor> pacers;  // target actors outside the supervisor

  SupervisorFixture() {
    server.on("/pacer", Reply::respond(200));
    for (const std::string path : {"/a", "/b", "/kept", "/copied", "/v1", "/v2", "/gone"}) {
      server.on(path, Reply::respond(200));
    }
  }

  ~SupervisorFixture() {
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    for (const auto& actor : pacers) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
    engine.stop();
  }

  // As main() builds it, with a test's user agent.
  ProbeContext context() {
    ProbeContext made;
    made.engine = &engine;
    made.metrics = metrics;
    made.results = &outcomes->inbox();
    made.log = log.get();
    made.user_agent = "epsitter-unit-test";
    return made;
  }

  SharedTarget target(const std::string& name, const std::string& path,
                      std::chrono::milliseconds interval) const {
    auto made = std::make_shared<Target>();
    made->labels = {name, "unit", "get", server.url(path)};
    made->url = server.url(path);
    made->interval = interval;
    made->timeout = 10s;
    return made;
  }

  AppliedTargets apply(std::vector<SharedTarget> targets) {
    const caf::scoped_actor self{system};
    std::optional<AppliedTargets> applied;
    self->request(supervisor, kGenerousWait, apply_atom::value, TargetSet{std::move(targets), {}})
        .receive([&](const AppliedTargets& reply) { applied = reply; }, [](const caf::error&) {});
    REQUIRE(applied);
    return *applied;
  }

  std::size_t health() {
    const caf::scoped_actor self{system};
    std::size_t running = 0;
    bool answered = false;
    self->request(supervisor, kGenerousWait, health_atom::value)
        .receive(
            [&](std::size_t reply) {
              running = reply;
              answered = true;
            },
            [](const caf::error&) {});
    REQUIRE(answered);
    return running;
  }

  // Actors alive in the system; a scoped actor counts too while it lives.
  std::size_t actors() { return system.registry().running(); }

  // A target probed often by its own actor, outside the supervisor: its requests show that time
  // passed, and that probes from a live actor still get through.
  void start_pacer() {
    auto shared = std::make_shared<const ProbeContext>(context());
    const caf::scoped_actor parent{system};
    pacers.push_back(spawn_target_actor(*parent, target("pacer", "/pacer", kOften), shared,
                                        std::chrono::steady_clock::now()));
  }

  // Waits until `pace` has been probed `rounds` more times (each round is a full interval).
  bool after_rounds(const std::string& pace, std::size_t rounds) {
    const std::size_t seen = server.count(pace);
    return wait_until([&] { return server.count(pace) >= seen + rounds; });
  }

  // Whether `path` got no request while `pace` was probed a few more times. A probe of `path`
  // still in flight when its actor ended may arrive first: two rounds pass before counting.
  bool stays_unprobed(const std::string& path, const std::string& pace) {
    REQUIRE(after_rounds(pace, 2));
    const std::size_t before = server.count(path);
    REQUIRE(after_rounds(pace, 3));
    return server.count(path) == before;
  }
};

void check_applied(const AppliedTargets& applied, std::size_t running, std::size_t started,
                   std::size_t kept, std::size_t stopped) {
  CHECK(applied.running == running);
  CHECK(applied.started == started);
  CHECK(applied.kept == kept);
  CHECK(applied.stopped == stopped);
}

}  // namespace

TEST_CASE_METHOD(SupervisorFixture, "the supervisor starts one target actor per target") {
  const std::size_t before = actors();
  check_applied(apply({target("a", "/a", kOften), target("b", "/b", kOften)}), 2, 2, 0, 0);
  CHECK(health() == 2);
  CHECK(actors() == before + 2);
  REQUIRE(wait_until([&] { return server.count("/a") >= 2 && server.count("/b") >= 2; }));
  REQUIRE(wait_until([&] { return outcomes->count("a") >= 1 && outcomes->count("b") >= 1; }));
  // The metrics actor learnt the set before any result of it.
  CHECK(outcomes->label_sets() == std::vector<Names>{{"a", "b"}});
}

TEST_CASE_METHOD(SupervisorFixture,
                 "an unchanged target keeps its actor and schedule, a changed one restarts") {
  // "kept" is first in the set, so a (re)started actor for it probes at once; its interval lets
  // the actor that stays probe it only once.
  const SharedTarget kept = target("kept", "/kept", kOnce);
  const SharedTarget copied = target("copied", "/copied", kOnce);
  check_applied(apply({kept, copied, target("changed", "/v1", kOften)}), 3, 3, 0, 0);
  REQUIRE(wait_until([&] { return server.count("/kept") == 1 && server.count("/v1") >= 2; }));
  const std::size_t before = actors();

  // The same object, an equal copy, and a target of the same name with a new URL.
  const auto equal_copy = std::make_shared<const Target>(*copied);
  check_applied(apply({kept, equal_copy, target("changed", "/v2", kOften)}), 3, 1, 2, 1);
  CHECK(health() == 3);
  REQUIRE(after_rounds("/v2", 3));
  CHECK(server.count("/kept") == 1);
  CHECK(server.count("/copied") == 0);  // neither actor reached its first probe time
  CHECK(stays_unprobed("/v1", "/v2"));
  // The changed target's old actor ended; the new one replaced it.
  CHECK(wait_until([&] { return actors() == before; }));
  CHECK(outcomes->label_sets().back() == Names{"kept", "copied", "changed"});
}

TEST_CASE_METHOD(SupervisorFixture, "a removed target's actor stops and its probes with it") {
  check_applied(apply({target("a", "/a", kOften), target("gone", "/gone", kOften)}), 2, 2, 0, 0);
  REQUIRE(wait_until([&] { return server.count("/a") >= 2 && server.count("/gone") >= 2; }));
  const std::size_t before = actors();

  check_applied(apply({target("a", "/a", kOften)}), 1, 0, 1, 1);
  CHECK(health() == 1);
  CHECK(wait_until([&] { return actors() == before - 1; }));
  CHECK(stays_unprobed("/gone", "/a"));
  CHECK(outcomes->label_sets().back() == Names{"a"});
}

TEST_CASE_METHOD(SupervisorFixture, "applying an unchanged set again restarts nothing") {
  // "b" is first, so a (re)started actor for it probes at once.
  const std::vector<SharedTarget> targets{target("b", "/b", kOnce), target("a", "/a", kOften)};
  check_applied(apply(targets), 2, 2, 0, 0);
  REQUIRE(wait_until([&] { return server.count("/a") >= 1 && server.count("/b") == 1; }));
  const std::size_t before = actors();
  check_applied(apply(targets), 2, 0, 2, 0);
  CHECK(actors() == before);
  // Nothing changed, so the metrics actor is not told again.
  REQUIRE(after_rounds("/a", 2));
  CHECK(outcomes->label_sets().size() == 1);
  CHECK(server.count("/b") == 1);
}

TEST_CASE_METHOD(SupervisorFixture, "stopping the supervisor stops every target actor") {
  start_pacer();
  const std::size_t before = actors();
  check_applied(apply({target("a", "/a", kOften), target("b", "/b", kOften)}), 2, 2, 0, 0);
  REQUIRE(wait_until([&] { return server.count("/a") >= 1 && server.count("/b") >= 1; }));

  bool ended = false;
  {
    const caf::scoped_actor self{system};
    self->monitor(supervisor);
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    self->receive([&](const caf::down_msg& down) { ended = down.source == supervisor.address(); },
                  caf::after(kGenerousWait) >> [] {});
  }
  REQUIRE(ended);
  // The supervisor and both target actors are gone; the pacer still probes.
  CHECK(wait_until([&] { return actors() == before - 1; }));
  CHECK(stays_unprobed("/a", "/pacer"));
  CHECK(stays_unprobed("/b", "/pacer"));
}
