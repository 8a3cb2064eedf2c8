// GET /api/v1/shard: how this replica shares the targets (static shard or live Lease members).
#pragma once

#include <functional>
#include <string>

#include "web/route.hpp"

namespace epsitter {

// `render` returns the JSON document; called on CivetWeb threads, so it must be thread-safe.
Route make_shard_route(std::function<std::string()> render);

}  // namespace epsitter
