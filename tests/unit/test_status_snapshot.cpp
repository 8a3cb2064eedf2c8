// Unit tests for the status view model: what it derives from the stats, and its display order.
#include <catch2/catch.hpp>

#include "status/status_snapshot.hpp"
#include "status_samples.hpp"

using namespace epsitter;
using namespace epsitter::samples;
using std::chrono::seconds;

namespace {

const ProbeResult ok = answer(200);
const ProbeResult refused = no_answer(ProbeError::connection_refused);

TargetLabels labels(const std::string& name, const std::string& ns) {
  return TargetLabels{name, ns, "GET", "http://127.0.0.1:1/" + name};
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
  CHECK(found->last->failure == FailureReason::connection_refused);
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
