// Unit tests for the per-target probe history and the state it derives.
#include <catch2/catch.hpp>
#include <cmath>

#include "metrics/probe_history.hpp"
#include "status_samples.hpp"

using namespace epsitter;
using namespace epsitter::samples;
using std::chrono::seconds;

namespace {

void record(ProbeHistory& history, const ProbeResult& result, WallClock::time_point at) {
  history.record(result, judged(result), at);
}

}  // namespace

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
  record(history, answer(200), t0);
  CHECK(history.state() == TargetState::up);
  CHECK(history.state_since() == t0);
  record(history, answer(200), t0 + seconds(30));
  CHECK(history.state_since() == t0);
  CHECK(history.last_success_at() == t0 + seconds(30));

  record(history, answer(503), t0 + seconds(60));
  CHECK(history.state() == TargetState::down);
  CHECK(history.state_since() == t0 + seconds(60));
  CHECK(history.last()->failure == FailureReason::status);
  record(history, no_answer(ProbeError::connection_refused), t0 + seconds(90));
  CHECK(history.state() == TargetState::down);
  CHECK(history.state_since() == t0 + seconds(60));
  CHECK(history.last_success_at() == t0 + seconds(30));
  REQUIRE(history.last());
  CHECK(history.last()->failure == FailureReason::connection_refused);
  CHECK(history.last()->status_code == 0);
  CHECK(history.last()->at == t0 + seconds(90));

  record(history, answer(200, 0.25), t0 + seconds(120));
  CHECK(history.state() == TargetState::up);
  CHECK(history.state_since() == t0 + seconds(120));
  CHECK(history.last()->duration_seconds == Approx(0.25));
  CHECK(history.success_ratio() == Approx(3.0 / 5.0));
}

TEST_CASE("success is the verdict's: a 200 that fails an expectation is down, with its reason") {
  ProbeHistory history;
  history.record(answer(200), Verdict{FailureReason::body, "no match"}, t0);
  CHECK(history.state() == TargetState::down);
  REQUIRE(history.last());
  CHECK(history.last()->status_code == 200);
  CHECK(history.last()->failure == FailureReason::body);
  CHECK_FALSE(history.last()->success());
  history.record(answer(302), Verdict{}, t0 + seconds(1));
  CHECK(history.state() == TargetState::up);
}

TEST_CASE("the ring keeps the newest probes, oldest first, and its ratio counts only them") {
  ProbeHistory history{3};
  record(history, no_answer(ProbeError::timeout, 1), t0);
  record(history, answer(200, 2), t0 + seconds(1));
  CHECK(history.size() == 2);
  record(history, answer(200, 3), t0 + seconds(2));
  record(history, answer(200, 4), t0 + seconds(3));
  record(history, answer(500, 5), t0 + seconds(4));
  CHECK(history.size() == 3);
  const auto recent = history.recent();
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].duration_seconds == 3);
  CHECK(recent[1].duration_seconds == 4);
  CHECK(recent[2].duration_seconds == 5);
  CHECK(recent[2].status_code == 500);
  CHECK_FALSE(recent[2].success());
  CHECK(history.last()->duration_seconds == 5);
  // The timeout fell out of the ring: two of the three kept probes succeeded.
  CHECK(history.success_ratio() == Approx(2.0 / 3.0));
}

TEST_CASE("a target down for longer than its history still knows its last success") {
  ProbeHistory history{4};
  record(history, answer(200), t0);
  for (int i = 1; i <= 10; ++i) {
    record(history, no_answer(ProbeError::dns), t0 + seconds(i));
  }
  CHECK(history.success_ratio() == Approx(0.0));
  CHECK(history.last_success_at() == t0);
  CHECK(history.state_since() == t0 + seconds(1));
}

TEST_CASE(
    "a kept probe reads back as recorded: its time to the millisecond, its duration to 1/3276") {
  ProbeHistory history(kAllFailureReasons.size() + 1);
  const auto at = t0 + std::chrono::microseconds(123'456);
  history.record(answer(204, 0.016383), judged(answer(204)), at);
  for (const FailureReason reason : kAllFailureReasons) {
    Verdict failed;
    failed.failure = reason;
    history.record(answer(503, 3599.5), failed, at);
  }
  const std::vector<ProbeRecord> kept = history.recent();
  REQUIRE(kept.size() == kAllFailureReasons.size() + 1);
  CHECK(kept[0].at == t0 + std::chrono::milliseconds(123));
  CHECK(kept[0].duration_seconds == 0.016383);  // below 16.384 ms: exact
  CHECK(kept[0].status_code == 204);
  CHECK(kept[0].success());
  for (std::size_t i = 0; i < kAllFailureReasons.size(); ++i) {
    CHECK(kept[i + 1].failure == kAllFailureReasons[i]);
    CHECK(kept[i + 1].status_code == 503);
    CHECK(kept[i + 1].duration_seconds == Approx(3599.5).epsilon(1.0 / 3276));
  }
}

TEST_CASE("durations keep four significant digits from a microsecond to a day, round ones exact") {
  ProbeHistory history{1};
  for (double seconds = 1e-6; seconds < 86'400; seconds *= 1.37) {
    record(history, answer(200, seconds), t0);
    const double micros = std::round(seconds * 1e6);
    CHECK(history.last()->duration_seconds * 1e6 == Approx(micros).epsilon(1.0 / 3276));
  }
  for (const double round : {0.02, 0.5, 5.0, 15.0, 60.0, 3600.0}) {
    record(history, answer(200, round), t0);
    CHECK(history.last()->duration_seconds == round);
  }
  record(history, answer(200, -1), t0);
  CHECK(history.last()->duration_seconds == 0);
  record(history, answer(200, 1e9), t0);  // past the largest (45 hours): kept as the largest
  CHECK(history.last()->duration_seconds == 163'830);
}

TEST_CASE("probe times stay right when the wall clock steps back and across months") {
  ProbeHistory history{4};
  record(history, answer(200), t0);
  record(history, answer(200), t0 - seconds(3600));                // the clock stepped back an hour
  record(history, answer(500), t0 + std::chrono::hours(24 * 60));  // two months later
  std::vector<ProbeRecord> kept = history.recent();
  REQUIRE(kept.size() == 3);
  // The ring spans more than 49.7 days of milliseconds: the newest probe stays exact and the
  // oldest are shown at the earliest time that fits.
  CHECK(kept[2].at == t0 + std::chrono::hours(24 * 60));
  CHECK(kept[2].status_code == 500);
  CHECK(kept[1].at == kept[0].at);
  CHECK(kept[2].at - kept[0].at == std::chrono::milliseconds(4'294'967'295));
  record(history, answer(200), t0 + std::chrono::hours(24 * 60) + seconds(30));
  kept = history.recent();
  REQUIRE(kept.size() == 4);
  CHECK(kept[3].at == t0 + std::chrono::hours(24 * 60) + seconds(30));
  CHECK(kept[2].at == t0 + std::chrono::hours(24 * 60));
  CHECK(history.success_ratio() == Approx(3.0 / 4.0));
}
