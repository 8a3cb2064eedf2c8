// The metrics actor: aggregates probe results, serves the exposition and the status snapshot.
#pragma once

#include <caf/fwd.hpp>
#include <string>

#include "actors/render_cache.hpp"

namespace epsitter {

class ResultInbox;

// Records the results posted to `results` (taken before every answer and at drain_atom). Accepts
// LabelSet (targets_atom), exposition_atom (replies with ExpositionReply), protobuf_atom (replies
// with ProtobufReply) and status_atom (replies with StatusReply).
// `render_reuse_factor`: how long a stale rendering is still served, in units of the time it took
// (see render_cache.hpp).
caf::actor spawn_metrics_actor(caf::actor_system& system, ResultInbox& results,
                               std::string metric_prefix,
                               double render_reuse_factor = kDefaultRenderReuseFactor);

}  // namespace epsitter
