// The /metrics route: the exposition, gzipped when the scraper accepts it.
#pragma once

#include <functional>
#include <memory>

#include "web/route.hpp"

namespace epsitter {

class Exposition;
struct ProtobufExposition;

// Returns the exposition to serve, or nullptr when it is not available. Called on CivetWeb worker
// threads.
using ExpositionSource = std::function<std::shared_ptr<const Exposition>()>;
// The same in Prometheus' protobuf format, asked for only when a scraper prefers it.
using ProtobufSource = std::function<std::shared_ptr<const ProtobufExposition>()>;

// Serves the source's exposition, as gzip when Accept-Encoding allows it (Prometheus always asks),
// plain otherwise; 503 when it is not available. A scraper whose Accept header prefers
// Prometheus' protobuf format gets that (see exposition_format.hpp), when `protobuf` is set.
Route make_metrics_route(ExpositionSource exposition, ProtobufSource protobuf = {});

}  // namespace epsitter
