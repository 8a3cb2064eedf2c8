// The JSON document of GET /api/v1/shard, through nlohmann::json (escaping in one place).
#include "membership/shard_json.hpp"

#include <nlohmann/json.hpp>

namespace epsitter {

ShardReport lease_report(const MembershipPlan& plan, const MembershipView& view) {
  ShardReport report;
  report.mode = "lease";
  report.self = plan.own.name;
  report.group = plan.own.group;
  report.namespace_ = plan.own.namespace_;
  report.lease_duration_seconds = plan.own.duration_seconds;
  report.state = state_name(view.state);
  report.members = view.members;
  report.changes = view.changes;
  return report;
}

std::string render_shard_json(const ShardReport& report) {
  nlohmann::json document{{"mode", report.mode}};
  if (report.mode == "lease") {
    document["self"] = report.self;
    document["group"] = report.group;
    document["namespace"] = report.namespace_;
    document["lease_duration_seconds"] = report.lease_duration_seconds;
    document["state"] = report.state;
    document["members"] = report.members;
    document["changes"] = report.changes;
  } else {
    document["shard"] = report.index;
    document["shard_count"] = report.count;
  }
  document["shard_targets"] = report.shard_targets;
  // Replaced, never thrown: a member name is checked at start, but the JSON must always render.
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace epsitter
