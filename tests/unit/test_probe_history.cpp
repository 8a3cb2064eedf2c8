// Unit tests for the per-target probe history and the state it derives.
#include <catch2/catch.hpp>

#include "metrics/probe_history.hpp"

using namespace epsitter;
using std::chrono::seconds;

namespace {

const WallClock::time_point t0 = WallClock::time_point{} + seconds(1'700'000'000);

ProbeResult response(int status, double duration = 0.01) {
  return ProbeResult{ProbeError::none, status, duration, 0, ""};
}

ProbeResult failure(ProbeError error, double duration = 0.01) {
  return ProbeResult{error, 0, duration, 0, "detail"};
}

}  // namespace

TEST_CASE("success means a response with a 2xx or 3xx status") {
  CHECK(probe_succeeded(response(200)));
  CHECK(probe_succeeded(response(204)));
  CHECK(probe_succeeded(response(302)));
  CHECK_FALSE(probe_succeeded(response(199)));
  CHECK_FALSE(probe_succeeded(response(404)));
  CHECK_FALSE(probe_succeeded(response(503)));
  CHECK_FALSE(probe_succeeded(failure(ProbeError::timeout)));
  CHECK_FALSE(probe_succeeded(failure(ProbeError::connection_refused)));
}

TEST_CASE("a target is pending until its first probe finishes") {
  const ProbeHistory history;
  CHECK(history.state() == TargetState::pending);
  CHECK(history.size() == 0);
  CHECK(history.capacity() == 120);
  CHECK_FALSE(history.last());
  CHECK_FALSE(history.last_success_at());
  CHECK_FALSE(history.state_since());
  CHECK_FALSE(history.success_ratio());
  CHECK(history.recent().empty());
}

TEST_CASE("the state follows the last probe and remembers when it changed") {
  ProbeHistory history;
  history.record(response(200), t0);
  CHECK(history.state() == TargetState::up);
  CHECK(history.state_since() == t0);
  history.record(response(200), t0 + seconds(30));
  CHECK(history.state_since() == t0);
  CHECK(history.last_success_at() == t0 + seconds(30));

  history.record(response(503), t0 + seconds(60));
  CHECK(history.state() == TargetState::down);
  CHECK(history.state_since() == t0 + seconds(60));
  history.record(failure(ProbeError::connection_refused), t0 + seconds(90));
  CHECK(history.state() == TargetState::down);
  CHECK(history.state_since() == t0 + seconds(60));
  CHECK(history.last_success_at() == t0 + seconds(30));
  REQUIRE(history.last());
  CHECK(history.last()->error == ProbeError::connection_refused);
  CHECK(history.last()->status_code == 0);
  CHECK(history.last()->at == t0 + seconds(90));

  history.record(response(200, 0.25), t0 + seconds(120));
  CHECK(history.state() == TargetState::up);
  CHECK(history.state_since() == t0 + seconds(120));
  CHECK(history.last()->duration_seconds == Approx(0.25));
  CHECK(history.success_ratio() == Approx(3.0 / 5.0));
}

TEST_CASE("the ring keeps the newest probes, oldest first, and its ratio counts only them") {
  ProbeHistory history{3};
  history.record(failure(ProbeError::timeout, 1), t0);
  history.record(response(200, 2), t0 + seconds(1));
  CHECK(history.size() == 2);
  history.record(response(200, 3), t0 + seconds(2));
  history.record(response(200, 4), t0 + seconds(3));
  history.record(response(500, 5), t0 + seconds(4));
  CHECK(history.size() == 3);
  const auto recent = history.recent();
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].duration_seconds == 3);
  CHECK(recent[1].duration_seconds == 4);
  CHECK(recent[2].duration_seconds == 5);
  CHECK(recent[2].status_code == 500);
  CHECK_FALSE(recent[2].success);
  CHECK(history.last()->duration_seconds == 5);
  // The timeout fell out of the ring: two of the three kept probes succeeded.
  CHECK(history.success_ratio() == Approx(2.0 / 3.0));
}

TEST_CASE("a target down for longer than its history still knows its last success") {
  ProbeHistory history{4};
  history.record(response(200), t0);
  for (int i = 1; i <= 10; ++i) {
    history.record(failure(ProbeError::dns), t0 + seconds(i));
  }
  CHECK(history.success_ratio() == Approx(0.0));
  CHECK(history.last_success_at() == t0);
  CHECK(history.state_since() == t0 + seconds(1));
}
