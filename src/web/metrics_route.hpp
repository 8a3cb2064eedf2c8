// The /metrics route: the exposition, gzipped when the scraper accepts it.
#pragma once

#include <functional>
#include <memory>

#include "web/route.hpp"

namespace epsitter {

class Exposition;

// Returns the exposition to serve, or nullptr when it is not available. Called on CivetWeb worker
// threads.
using ExpositionSource = std::function<std::shared_ptr<const Exposition>()>;

// Serves the source's exposition, as gzip when Accept-Encoding allows it (Prometheus always asks),
// plain otherwise; 503 when it is not available.
Route make_metrics_route(ExpositionSource exposition);

}  // namespace epsitter
