// Unit tests for the status view model: what it derives from the stats, and its display order.
#include <catch2/catch.hpp>

#include "status/status_snapshot.hpp"

using namespace epsitter;
using std::chrono::seconds;

namespace {

const WallClock::time_point t0 = WallClock::time_point{} + seconds(1'700'000'000);
const ProbeResult ok{ProbeError::none, 200, 0.01, 0, ""};
const ProbeResult refused{ProbeError::connection_refused, 0, 0.001, 0, ""};

TargetLabels labels(const std::string& name, const std::string& ns) {
  return TargetLabels{name, ns, "GET", "http://127.0.0.1:1/" + name};
}

void probe(StatsByTarget& stats, const TargetLabels& target, const ProbeResult& result,
           WallClock::time_point at) {
  stats[target].record(result);
  stats[target].history.record(result, at);
}

std::vector<std::string> names(const StatusSnapshot& snapshot) {
  std::vector<std::string> out;
  for (const auto& target : snapshot.targets) out.push_back(target.labels.name);
  return out;
}

}  // namespace

TEST_CASE("down targets come first, grouped by namespace, the most urgent namespace first") {
  StatsByTarget stats;
  probe(stats, labels("a-up", "alpha"), ok, t0);
  probe(stats, labels("b-up", "beta"), ok, t0);
  probe(stats, labels("b-down", "beta"), refused, t0);
  stats[labels("g-pending", "gamma")];
  probe(stats, labels("g-up", "gamma"), ok, t0);
  probe(stats, labels("z-down", "zeta"), refused, t0);
  probe(stats, labels("a-up2", "alpha"), ok, t0);

  const StatusSnapshot snapshot = make_status_snapshot(stats);
  CHECK(names(snapshot) ==
        std::vector<std::string>{"b-down", "b-up", "z-down", "g-pending", "g-up", "a-up", "a-up2"});
  const StateCounts counts = count_states(snapshot.targets.begin(), snapshot.targets.end());
  CHECK(counts.down == 2);
  CHECK(counts.pending == 1);
  CHECK(counts.up == 4);
  CHECK(counts.total() == 7);
}

TEST_CASE("each target carries its state, last probe, times, ratio and history") {
  StatsByTarget stats;
  const TargetLabels web = labels("web", "prod");
  probe(stats, web, ok, t0);
  probe(stats, web, refused, t0 + seconds(30));
  stats[labels("new", "prod")];

  const StatusSnapshot snapshot = make_status_snapshot(stats);
  CHECK(snapshot.history_capacity == 120);
  const TargetStatus* found = snapshot.find("web");
  REQUIRE(found != nullptr);
  CHECK(found->labels == web);
  CHECK(found->state == TargetState::down);
  CHECK(found->probes == 2);
  REQUIRE(found->last);
  CHECK(found->last->error == ProbeError::connection_refused);
  CHECK(found->last_success_at == t0);
  CHECK(found->state_since == t0 + seconds(30));
  CHECK(found->success_ratio == Approx(0.5));
  CHECK(found->history.size() == 2);

  const TargetStatus* fresh = snapshot.find("new");
  REQUIRE(fresh != nullptr);
  CHECK(fresh->state == TargetState::pending);
  CHECK_FALSE(fresh->last);
  CHECK_FALSE(fresh->success_ratio);
  CHECK(snapshot.find("nope") == nullptr);
  CHECK(to_string(TargetState::down) == "down");
  CHECK(to_string(TargetState::up) == "up");
  CHECK(to_string(TargetState::pending) == "pending");
}

TEST_CASE("numbers in names sort as numbers: svc-2 before svc-10") {
  StatsByTarget stats;
  for (const char* name : {"svc-10", "svc-2", "svc-1", "svc-02b", "svc-", "svc-100", "db"}) {
    probe(stats, labels(name, "ns"), ok, t0);
  }
  CHECK(names(make_status_snapshot(stats)) ==
        std::vector<std::string>{"db", "svc-", "svc-1", "svc-2", "svc-02b", "svc-10", "svc-100"});
}
