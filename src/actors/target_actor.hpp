// A target actor: keeps one target's schedule and hands its probes to the HTTP engine.
#pragma once

#include <caf/actor_clock.hpp>
#include <caf/fwd.hpp>
#include <memory>

#include "actors/probe_context.hpp"
#include "config/target.hpp"
#include "probe/probe_request.hpp"

namespace epsitter {

// Probes at first_probe, then every target.interval (or context.interval) after it (planned
// times, so no drift).
// Linked to `parent`, so it ends with the supervisor; stop_atom ends it alone.
caf::actor spawn_target_actor(caf::local_actor& parent, SharedTarget target,
                              std::shared_ptr<const ProbeContext> context,
                              caf::actor_clock::time_point first_probe);

// The request one probe of `target` sends (exposed for tests).
ProbeRequest make_probe_request(const Target& target, const ProbeContext& context);

}  // namespace epsitter
