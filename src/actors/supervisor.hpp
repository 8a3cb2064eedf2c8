// The supervisor actor: owns one target actor per configured target and applies config changes.
#pragma once

#include <caf/fwd.hpp>

#include "actors/probe_context.hpp"

namespace epsitter {

// Send it (apply_atom, TargetSet) to start targets or to move to a new target set: unchanged
// targets keep their actor and schedule, removed ones stop, new and changed ones start. It replies
// with AppliedTargets. health_atom replies with the number of running targets.
caf::actor spawn_supervisor(caf::actor_system& system, ProbeContext context);

}  // namespace epsitter
