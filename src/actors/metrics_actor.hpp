// The metrics actor: aggregates probe results, serves the exposition and the status snapshot.
#pragma once

#include <caf/fwd.hpp>
#include <string>

namespace epsitter {

// Accepts ProbeDone, LabelSet (targets_atom), exposition_atom (replies with ExpositionReply),
// protobuf_atom (replies with ProtobufReply) and status_atom (replies with StatusReply).
caf::actor spawn_metrics_actor(caf::actor_system& system, std::string metric_prefix);

}  // namespace epsitter
