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

std::string describe_shard(const ShardReport& report) {
  const std::string probes = "probes " + std::to_string(report.shard_targets) + " targets";
  if (report.mode != "lease") {
    if (report.count <= 1) return "";
    return "shard " + std::to_string(report.index) + " of " + std::to_string(report.count) + ": " +
           probes;
  }
  std::string text = "lease group " + report.group + ": " + report.self + " " + report.state;
  if (report.state == "lost")
    return text + " (its Lease ran out: the API server does not answer); " + probes;
  text += ", " + std::to_string(report.members.size()) + " live members";
  for (std::size_t i = 0; i < report.members.size(); ++i) {
    text += (i == 0 ? ": " : ", ") + report.members[i];
  }
  return text + "; " + probes;
}

}  // namespace epsitter
