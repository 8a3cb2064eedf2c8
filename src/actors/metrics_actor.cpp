// The metrics actor: aggregates probe results, serves the exposition and the status snapshot.
#include "actors/metrics_actor.hpp"

#include <algorithm>
#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/status_messages.hpp"
#include "metrics/exposition.hpp"
#include "metrics/protobuf_exposition.hpp"
#include "metrics/target_stats.hpp"
#include "os/allocator_tuning.hpp"
#include "os/thread_tuning.hpp"

namespace epsitter {

namespace {

// Threads that render and compress a scrape of many targets: deflate is most of a scrape's time,
// and two cores halve it when they are not both busy probing (at 10,000 targets probed every
// 30 s they mostly idle). More would fight the probes for the cores of a small pod.
constexpr std::size_t kRenderThreads = 2;

// The metrics actor's thread (and the render helpers it starts) yield to the probing threads when
// the cores are busy: a scrape of 10,000 targets keeps two threads busy for ~40 ms, and probes due
// meanwhile started up to 15-19 ms late at nice 0, 11-12 ms at 5 (bench, 10,000 probes/s). Its
// own work can wait: every result carries its probe's timestamps. Deeper than 5 stretched the
// scrape itself (median 55 ms at 10) for no further gain.
constexpr int kMetricsNiceSteps = 5;

struct MetricsState {
  static inline const char* name = "metrics";
  std::string prefix;
  StatsByTarget stats;
  std::vector<double> duration_bounds;
  FamilySelection families;  // only rendering is filtered: every family keeps recording
  // The targets' families as last rendered, reused until a result or a target change makes them
  // stale, so that concurrent scrapers share one rendering (tens of MB of text at 10,000 targets,
  // which Exposition never holds whole).
  Exposition::TargetFamiliesPtr targets;
  StatusSnapshotPtr status;        // likewise for the status page and its JSON API
  std::size_t protobuf_bytes = 0;  // the last protobuf rendering's size, reserved for the next
};

// Keeps the series of configured targets (counters of unchanged targets survive a reload), adds
// zeroed series for new ones so that they are visible before their first probe, and drops the rest.
// A target's extra labels and source may change without its identity changing: they are taken
// anew.
void retain_only(StatsByTarget& stats, const std::vector<SharedTarget>& configured) {
  // Sorted pointers, not a set of copies: this runs on every reload, over every target.
  std::vector<const TargetLabels*> wanted;
  wanted.reserve(configured.size());
  for (const SharedTarget& target : configured) wanted.push_back(&target->labels);
  const auto by_labels = [](const TargetLabels* a, const TargetLabels* b) { return *a < *b; };
  std::sort(wanted.begin(), wanted.end(), by_labels);
  for (auto it = stats.begin(); it != stats.end();) {
    const bool kept = std::binary_search(wanted.begin(), wanted.end(), &it->first, by_labels);
    it = kept ? std::next(it) : stats.erase(it);
  }
  for (const SharedTarget& target : configured) {
    TargetStats& seen = stats[target->labels];
    if (seen.extra_labels != target->extras->extra_labels) {
      seen.extra_labels = target->extras->extra_labels;
    }
    if (seen.source != target->source) seen.source = target->source;
  }
}

void apply_bounds(MetricsState& state, std::vector<double> bounds) {
  if (bounds == state.duration_bounds) return;
  state.duration_bounds = std::move(bounds);
  for (auto& [labels, seen] : state.stats) seen.reset_histogram();
}

// The probe's own end time; the arrival time only if the engine did not stamp it.
WallClock::time_point finished_at(const ProbeResult& result) {
  if (result.finished_unix_seconds <= 0) return WallClock::now();
  return WallClock::time_point{std::chrono::duration_cast<WallClock::duration>(
      std::chrono::duration<double>(result.finished_unix_seconds))};
}

caf::behavior metrics_actor(caf::stateful_actor<MetricsState>* self, std::string prefix) {
  self->state.prefix = std::move(prefix);
  // Runs on the actor's own thread (it is spawned detached). Best effort: where the system
  // refuses (a strict seccomp profile), the actor keeps the normal priority.
  name_this_thread("metrics");
  (void)lower_this_thread_priority(kMetricsNiceSteps);
  return {
      [self](ProbeDone& done) {
        auto& state = self->state;
        // Results of a target removed while its probe was in flight are dropped, not resurrected.
        auto found = state.stats.find(done.target->labels);
        if (found == state.stats.end()) return;
        found->second.record(done.result, done.verdict, state.duration_bounds);
        found->second.history.record(done.result, done.verdict, finished_at(done.result));
        state.targets.reset();
        state.status.reset();
      },
      [self](targets_atom, LabelSet& configured) {
        apply_bounds(self->state, std::move(configured.duration_buckets));
        retain_only(self->state.stats, configured.targets);
        self->state.families = configured.families;
        self->state.targets.reset();
        self->state.status.reset();
      },
      [self](exposition_atom, std::string& own_families) -> ExpositionReply {
        auto& state = self->state;
        if (!state.targets) {
          state.targets = Exposition::render_targets(
              state.prefix, state.stats, state.duration_bounds, kRenderThreads, state.families);
          // A rendering of many targets allocates and frees MBs on its helper thread (rows,
          // chunks, compressor state), whose malloc arena keeps freed pages resident: ~10 MiB of
          // RSS at 10,000 targets without this. Trimming took 0.3-0.7 ms there.
          return_free_memory();
        }
        return ExpositionReply{
            std::make_shared<const Exposition>(state.targets, std::move(own_families))};
      },
      // Rendered for each scrape that asks, not kept: a Prometheus with native histograms scrapes
      // once per interval, and keeping it would hold MBs between scrapes.
      [self](protobuf_atom) -> ProtobufReply {
        auto& state = self->state;
        auto bytes = std::make_shared<const std::string>(render_protobuf_targets(
            state.prefix, state.stats, state.duration_bounds, state.protobuf_bytes, state.families));
        state.protobuf_bytes = bytes->size();
        return_free_memory();
        return ProtobufReply{std::move(bytes)};
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
  return system.spawn<caf::detached>(metrics_actor, std::move(metric_prefix));
}

}  // namespace epsitter
