// The metrics actor: aggregates probe results, serves the exposition and the status snapshot.
#include "actors/metrics_actor.hpp"

#include <caf/all.hpp>
#include <set>

#include "actors/messages.hpp"
#include "actors/status_messages.hpp"
#include "metrics/render.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter {

namespace {

struct MetricsState {
  static inline const char* name = "metrics";
  std::string prefix;
  StatsByTarget stats;
  // The last rendering, reused until a result or a target change makes it stale, so that
  // concurrent scrapers share one rendering.
  std::shared_ptr<const std::string> rendered;
  StatusSnapshotPtr status;  // likewise for the status page and its JSON API
};

// Keeps the series of configured targets (counters of unchanged targets survive a reload), adds
// zeroed series for new ones so that they are visible before their first probe, and drops the rest.
void retain_only(StatsByTarget& stats, const std::vector<TargetLabels>& configured) {
  const std::set<TargetLabels> wanted(configured.begin(), configured.end());
  for (auto it = stats.begin(); it != stats.end();) {
    it = wanted.count(it->first) ? std::next(it) : stats.erase(it);
  }
  for (const auto& labels : configured) stats.try_emplace(labels);
}

caf::behavior metrics_actor(caf::stateful_actor<MetricsState>* self, std::string prefix) {
  self->state.prefix = std::move(prefix);
  return {
      [self](ProbeDone& done) {
        auto& state = self->state;
        // Results of a target removed while its probe was in flight are dropped, not resurrected.
        auto found = state.stats.find(done.labels);
        if (found == state.stats.end()) return;
        found->second.record(done.result);
        found->second.history.record(done.result, WallClock::now());
        state.rendered.reset();
        state.status.reset();
      },
      [self](targets_atom, const LabelSet& configured) {
        retain_only(self->state.stats, configured.labels);
        self->state.rendered.reset();
        self->state.status.reset();
      },
      [self](render_atom) -> ExpositionText {
        auto& state = self->state;
        if (!state.rendered) {
          state.rendered =
              std::make_shared<const std::string>(render_exposition(state.prefix, state.stats));
        }
        return ExpositionText{state.rendered};
      },
      [self](status_atom) -> StatusReply {
        auto& state = self->state;
        if (!state.status) {
          state.status = std::make_shared<const StatusSnapshot>(make_status_snapshot(state.stats));
        }
        return StatusReply{state.status};
      },
  };
}

}  // namespace

caf::actor spawn_metrics_actor(caf::actor_system& system, std::string metric_prefix) {
  return system.spawn(metrics_actor, std::move(metric_prefix));
}

}  // namespace epsitter
