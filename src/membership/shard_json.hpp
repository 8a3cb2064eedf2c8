// The JSON document of GET /api/v1/shard: how this replica shares the targets, and with whom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "membership/lease_membership.hpp"
#include "membership/membership_plan.hpp"

namespace epsitter {

struct ShardReport {
  std::string mode = "static";  // "static" or "lease"
  int index = 0;                // static mode
  int count = 1;                // static mode
  std::string self;             // lease mode: this replica's member name (its Lease's)
  std::string group;            // lease mode
  std::string namespace_;       // lease mode
  int lease_duration_seconds = 0;
  std::string state;                 // lease mode: joining, member, lost
  std::vector<std::string> members;  // lease mode: the live members
  std::uint64_t changes = 0;         // lease mode
  std::size_t shard_targets = 0;     // the targets this replica probes
};

// Lease mode's report (all but shard_targets) from the plan and the current view.
ShardReport lease_report(const MembershipPlan& plan, const MembershipView& view);

// {"mode":"lease","self":...,"group":...,"namespace":...,"lease_duration_seconds":...,
//  "state":...,"members":[...],"changes":...,"shard_targets":...}, or in static mode
// {"mode":"static","shard":I,"shard_count":N,"shard_targets":...}.
std::string render_shard_json(const ShardReport& report);

// The status page's line: "lease group epsitter: sitter-b member, 3 live members: sitter-a,
// sitter-b, sitter-c; probes 12 targets", "shard 1 of 3: probes 40 targets"; "" for one static
// replica (nothing to say).
std::string describe_shard(const ShardReport& report);

}  // namespace epsitter
