// The status page (GET /) and its JSON API (GET /api/v1/targets, /api/v1/targets/NAME).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "status/status_snapshot.hpp"
#include "web/route.hpp"

namespace epsitter {

// Returns the current snapshot, or nullptr when it is not available. Called on CivetWeb threads.
using StatusSource = std::function<StatusSnapshotPtr()>;

// `shard` (optional) gives the status page's line on sharding (see render_status_page).
std::vector<Route> make_status_routes(const StatusSource& source,
                                      std::function<std::string()> shard = {});

}  // namespace epsitter
