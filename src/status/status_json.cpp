// Renders the JSON API documents (/api/v1/targets and /api/v1/targets/NAME) with nlohmann::json.
#include "status/status_json.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "expect/failure_reason.hpp"
#include "status/status_format.hpp"

namespace epsitter {

namespace {

// Fields stay in the order written here, which is the order the README documents.
using json = nlohmann::ordered_json;

json time_or_null(const std::optional<WallClock::time_point>& at) {
  return at ? json(format_utc(*at)) : json(nullptr);
}

json age_or_null(const std::optional<WallClock::time_point>& at, WallClock::time_point now) {
  return at ? json(seconds_between(*at, now)) : json(nullptr);
}

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json probe_json(const ProbeRecord& record) {
  return json{
      {"at", format_utc(record.at)},
      {"duration_seconds", record.duration_seconds},
      {"status_code", record.status_code != 0 ? json(record.status_code) : json(nullptr)},
      {"reason", record.failure ? json(to_label(*record.failure)) : json(nullptr)},
      {"success", record.success()},
  };
}

json target_json(const TargetStatus& target, WallClock::time_point now, bool with_history) {
  json out = {
      {"name", target.labels.name},
      {"namespace", target.labels.namespace_},
      {"method", target.labels.method},
      {"url", target.labels.url},
      {"source", target.source},
      {"state", to_string(target.state)},
      {"state_since", time_or_null(target.state_since)},
      {"seconds_in_state", age_or_null(target.state_since, now)},
      {"last_success_at", time_or_null(target.last_success_at)},
      {"seconds_since_success", age_or_null(target.last_success_at, now)},
      {"outcome", target.last ? json(describe_outcome(*target.last)) : json(nullptr)},
      {"last_probe", target.last ? probe_json(*target.last) : json(nullptr)},
      {"success_ratio", target.success_ratio ? json(*target.success_ratio) : json(nullptr)},
      {"cert_expires_at", time_or_null(target.cert_expires_at)},
      {"cert_days_left", target.cert_expires_at
                             ? json(seconds_between(now, *target.cert_expires_at) / 86400)
                             : json(nullptr)},
      {"cert_subject", text_or_null(target.cert_subject)},
      {"cert_issuer", text_or_null(target.cert_issuer)},
      {"cert_leaf_expires_at", time_or_null(target.cert_leaf_expires_at)},
      {"cert_leaf_days_left", target.cert_leaf_expires_at
                                  ? json(seconds_between(now, *target.cert_leaf_expires_at) / 86400)
                                  : json(nullptr)},
      {"probes", target.probes},
  };
  if (with_history) {
    json history = json::array();
    std::transform(target.history.begin(), target.history.end(), std::back_inserter(history),
                   probe_json);
    out["history"] = std::move(history);
  }
  return out;
}

// Names and URLs come from a YAML file and need not be valid UTF-8: replace, never throw.
std::string dump(const json& document) {
  return document.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_targets_json(const StatusSnapshot& snapshot, WallClock::time_point now,
                                bool with_history) {
  const StateCounts counts = count_states(snapshot.targets.begin(), snapshot.targets.end());
  json targets = json::array();
  std::transform(
      snapshot.targets.begin(), snapshot.targets.end(), std::back_inserter(targets),
      [&](const TargetStatus& target) { return target_json(target, now, with_history); });
  return dump(json{
      {"generated_at", format_utc(now)},
      {"history_capacity", snapshot.history_capacity},
      {"counts",
       {{"down", counts.down},
        {"pending", counts.pending},
        {"up", counts.up},
        {"total", counts.total()}}},
      {"targets", std::move(targets)},
  });
}

std::string render_target_json(const TargetStatus& target, WallClock::time_point now) {
  return dump(target_json(target, now, true));
}

std::string render_json_error(std::string_view message) {
  return dump(json{{"error", std::string(message)}});
}

}  // namespace epsitter
