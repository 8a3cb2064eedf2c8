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
  std::vector<double> duration_buckets;         // the metrics actor's, as last sent
  FamilySelection families;                     // likewise
};

AppliedTargets apply(caf::stateful_actor<SupervisorState>* self, TargetSet set) {
  auto& state = self->state;
  const std::vector<SharedTarget>& targets = set.targets;
  // First what stays: its node moves over as it is (a reload of 10,000 targets that changes one
  // allocates nothing for the other 9,999).
  std::map<std::string, Running> next;
  std::vector<std::size_t> fresh;  // positions of the targets to start
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const SharedTarget& target = targets[i];
    auto old = state.running.find(target->labels.name);
    // The target sources hand an unchanged target over as the same object.
    if (old != state.running.end() &&
        (old->second.target == target || *old->second.target == *target)) {
      next.insert(state.running.extract(old));
    } else {
      fresh.push_back(i);
    }
  }
  // What is left in `running` was removed or changed. The metrics actor learns the new set before
  // any new actor can report a result for it; when nothing changed there is nothing to learn.
  if (!fresh.empty() || !state.running.empty() || set.duration_buckets != state.duration_buckets ||
      set.families != state.families) {
    state.duration_buckets = set.duration_buckets;
    state.families = set.families;
    self->send(state.context->metrics, targets_atom::value,
               LabelSet{targets, std::move(set.duration_buckets), set.families});
  }
  for (auto& [name, gone] : state.running) self->send(gone.actor, stop_atom::value);
  const std::size_t stopped = state.running.size();
  const std::size_t kept = next.size();
  const auto now = self->clock().now();
  for (const std::size_t i : fresh) {
    const SharedTarget& target = targets[i];
    // Spread over the target's own interval, so that each one's first round is spread too.
    const auto interval = target->interval.value_or(state.context->interval);
    auto first = set.phase_by_name ? phased_first_probe_time(now, std::chrono::system_clock::now(),
                                                             interval, target->labels.name)
                                   : first_probe_time(now, interval, i, targets.size());
    caf::actor actor = spawn_target_actor(*self, target, state.context, first);
    next.emplace(target->labels.name, Running{target, std::move(actor)});
  }
  state.running = std::move(next);
  state.context->log->info("msg=\"targets applied\" targets={} started={} kept={} stopped={}",
                           state.running.size(), fresh.size(), kept, stopped);
  return AppliedTargets{state.running.size(), fresh.size(), kept, stopped};
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
