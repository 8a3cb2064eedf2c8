// The /metrics route: the exposition text of every source, in order, gzipped when accepted.
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

struct DeflatedPiece;

// The probe metrics: by far the biggest part (tens of MB of text at 10,000 targets), kept by the
// metrics actor compressed; nullptr when not available.
using DeflatedExpositionSource = std::function<std::shared_ptr<const DeflatedPiece>()>;

// Serves the targets' part followed by `rest` (small parts rendered on every scrape, optional);
// 503 when the targets' part is not available. With gzip the targets' part is not compressed
// again: its deflate blocks are joined with those of the rest into one gzip member. Without, it
// is inflated as it is sent, so that its text is never held whole.
Route make_metrics_route(DeflatedExpositionSource targets, std::vector<ExpositionSource> rest);

}  // namespace epsitter
