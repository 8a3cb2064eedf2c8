// Renders the JSON API documents (/api/v1/targets and /api/v1/targets/NAME) with nlohmann::json.
#pragma once

#include <string>
#include <string_view>

#include "status/status_snapshot.hpp"

namespace epsitter {

// {"generated_at", "history_capacity", "counts", "targets": [...]}, targets in the page's order.
std::string render_targets_json(const StatusSnapshot& snapshot, WallClock::time_point now,
                                bool with_history);

// One target object, with its history.
std::string render_target_json(const TargetStatus& target, WallClock::time_point now);

// {"error": message}
std::string render_json_error(std::string_view message);

}  // namespace epsitter
