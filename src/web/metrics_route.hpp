// The /metrics route: concatenates the exposition text of every source, in order.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "web/route.hpp"

namespace epsitter {

// Returns one part of the exposition (whole families), or nullptr when it is not available.
// Called on CivetWeb worker threads.
using ExpositionSource = std::function<std::shared_ptr<const std::string>()>;

// 503 when the first source (the probe metrics) is unavailable; the others are optional.
Route make_metrics_route(std::vector<ExpositionSource> sources);

}  // namespace epsitter
