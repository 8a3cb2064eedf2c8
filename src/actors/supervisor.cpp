// The supervisor actor: owns one target actor per configured target and applies config changes.
#include "actors/supervisor.hpp"

#include <spdlog/logger.h>

#include <caf/all.hpp>
#include <map>

#include "actors/messages.hpp"
#include "actors/schedule.hpp"
#include "actors/target_actor.hpp"

namespace epsitter {

namespace {

struct Running {
  SharedTarget target;  // shared with the target sources and the target's actor
  caf::actor actor;
};

struct SupervisorState {
  static inline const char* name = "supervisor";
  std::shared_ptr<const ProbeContext> context;  // one for all target actors
  std::map<std::string, Running> running;       // by target name
};

AppliedTargets apply(caf::stateful_actor<SupervisorState>* self, TargetSet set) {
  auto& state = self->state;
  const std::vector<SharedTarget>& targets = set.targets;
  // The metrics actor learns the new set before any new actor can report a result for it.
  LabelSet configured;
  configured.duration_buckets = std::move(set.duration_buckets);
  for (const auto& target : targets) {
    configured.targets.push_back({target->labels, target->extras->extra_labels, target->source});
  }
  self->send(state.context->metrics, targets_atom::value, std::move(configured));

  std::map<std::string, Running> next;
  std::size_t started = 0;
  std::size_t kept = 0;
  const auto now = self->clock().now();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const SharedTarget& target = targets[i];
    const std::string& name = target->labels.name;
    auto old = state.running.find(name);
    // The target sources hand an unchanged target over as the same object.
    if (old != state.running.end() &&
        (old->second.target == target || *old->second.target == *target)) {
      next.emplace(name, std::move(old->second));
      state.running.erase(old);
      ++kept;
      continue;
    }
    // Spread over the target's own interval, so that each one's first round is spread too.
    const auto interval = target->interval.value_or(state.context->interval);
    auto first = first_probe_time(now, interval, i, targets.size());
    caf::actor actor = spawn_target_actor(*self, target, state.context, first);
    next.emplace(name, Running{target, std::move(actor)});
    ++started;
  }
  // What is left in `running` was removed or changed.
  for (auto& [name, gone] : state.running) self->send(gone.actor, stop_atom::value);
  const std::size_t stopped = state.running.size();
  state.running = std::move(next);
  state.context->log->info("msg=\"targets applied\" targets={} started={} kept={} stopped={}",
                           state.running.size(), started, kept, stopped);
  return AppliedTargets{state.running.size(), started, kept, stopped};
}

caf::behavior supervisor(caf::stateful_actor<SupervisorState>* self, ProbeContext context) {
  self->state.context = std::make_shared<const ProbeContext>(std::move(context));
  return {
      [self](apply_atom, TargetSet& set) { return apply(self, std::move(set)); },
      [self](health_atom) { return self->state.running.size(); },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& system, ProbeContext context) {
  return system.spawn(supervisor, std::move(context));
}

}  // namespace epsitter
