// Calls into the actor system from plain threads (CivetWeb workers, the signal loop, the config
// watcher): one blocking request and its reply, bounded by a timeout.
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "status/status_snapshot.hpp"
#include "targets/target_set.hpp"

namespace epsitter {

class Exposition;
class OwnFamilies;
struct ProtobufExposition;

// Hands the targets to run (and histogram buckets) to the supervisor and waits until the diff is
// applied. Returns a one-line summary ("targets=3 started=1 kept=2 stopped=1"). Throws
// std::runtime_error when the supervisor does not answer in time.
std::string apply_targets(caf::actor_system& system, const caf::actor& supervisor, TargetSet set,
                          std::chrono::milliseconds timeout);

// True when the supervisor answers within `timeout`: the actor system still schedules.
bool supervisor_answers(caf::actor_system& system, const caf::actor& supervisor,
                        std::chrono::milliseconds timeout);

// The exposition to serve on /metrics: the metrics actor's targets' families followed by `own`'s,
// rendered now; nullptr when the actor does not answer in time.
std::shared_ptr<const Exposition> request_exposition(caf::actor_system& system,
                                                     const caf::actor& metrics,
                                                     const OwnFamilies& own,
                                                     std::chrono::milliseconds timeout);

// The same for a scraper that asked for Prometheus' protobuf format; nullptr when the actor does
// not answer in time.
std::shared_ptr<const ProtobufExposition> request_protobuf_exposition(
    caf::actor_system& system, const caf::actor& metrics, const OwnFamilies& own,
    std::chrono::milliseconds timeout);

// The metrics actor's current status snapshot (for the status page and its JSON API), or nullptr
// when it does not answer in time.
StatusSnapshotPtr request_status(caf::actor_system& system, const caf::actor& metrics,
                                 std::chrono::milliseconds timeout);

}  // namespace epsitter
