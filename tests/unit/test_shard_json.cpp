// The JSON document of GET /api/v1/shard, in static and in lease mode.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "membership/shard_json.hpp"

using namespace epsitter;

TEST_CASE("static mode shows the shard index and count") {
  ShardReport report;
  report.index = 2;
  report.count = 3;
  report.shard_targets = 40;
  const auto document = nlohmann::json::parse(render_shard_json(report));
  CHECK(
      document ==
      nlohmann::json{{"mode", "static"}, {"shard", 2}, {"shard_count", 3}, {"shard_targets", 40}});
}

TEST_CASE("lease mode shows this replica, its group, state and the live members") {
  MembershipPlan plan;
  plan.own = OwnLease{"sitter-b", "monitoring", "edge", 15};
  MembershipView view;
  view.state = MembershipState::member;
  view.members = {"sitter-a", "sitter-b"};
  view.changes = 3;
  ShardReport report = lease_report(plan, view);
  report.shard_targets = 12;
  const auto document = nlohmann::json::parse(render_shard_json(report));
  CHECK(document == nlohmann::json{{"mode", "lease"},
                                   {"self", "sitter-b"},
                                   {"group", "edge"},
                                   {"namespace", "monitoring"},
                                   {"lease_duration_seconds", 15},
                                   {"state", "member"},
                                   {"members", {"sitter-a", "sitter-b"}},
                                   {"changes", 3},
                                   {"shard_targets", 12}});
}

TEST_CASE("the status page's line says the shard or the lease group's live members") {
  ShardReport one;
  CHECK(describe_shard(one).empty());
  ShardReport fixed;
  fixed.index = 1;
  fixed.count = 3;
  fixed.shard_targets = 40;
  CHECK(describe_shard(fixed) == "shard 1 of 3: probes 40 targets");
  MembershipPlan plan;
  plan.own = OwnLease{"sitter-b", "monitoring", "edge", 15};
  MembershipView view;
  view.state = MembershipState::member;
  view.members = {"sitter-a", "sitter-b"};
  ShardReport lease = lease_report(plan, view);
  lease.shard_targets = 12;
  CHECK(describe_shard(lease) ==
        "lease group edge: sitter-b member, 2 live members: sitter-a, sitter-b; probes 12 targets");
  view.state = MembershipState::lost;
  view.members.clear();
  ShardReport lost = lease_report(plan, view);
  CHECK(describe_shard(lost) ==
        "lease group edge: sitter-b lost (its Lease ran out: the API server does not answer); "
        "probes 0 targets");
}
