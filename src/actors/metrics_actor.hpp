// The metrics actor: aggregates probe results and renders the exposition text on request.
#pragma once

#include <caf/fwd.hpp>
#include <string>

namespace epsitter {

// Accepts ProbeDone, LabelSet (targets_atom) and render_atom (replies with ExpositionText).
caf::actor spawn_metrics_actor(caf::actor_system& system, std::string metric_prefix);

}  // namespace epsitter
