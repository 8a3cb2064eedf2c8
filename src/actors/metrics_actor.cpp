// The metrics actor: aggregates probe results, serves the exposition and the status snapshot.
#include "actors/metrics_actor.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <chrono>
#include <memory>

#include "actors/messages.hpp"
#include "actors/render_cache.hpp"
#include "actors/result_inbox.hpp"
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
  ResultInbox* results = nullptr;  // owned by main(), outlives the actor
  std::string prefix;
  StatsByTarget stats;
  std::vector<double> duration_bounds;
  FamilySelection families;  // only rendering is filtered: every family keeps recording
  // What the HTTP port serves, kept so that concurrent scrapers share one rendering (tens of MB
  // of text at 10,000 targets, which Exposition never holds whole) and so that clients asking
  // without pause cannot make the actor render all the time (see render_cache.hpp).
  RenderCache<Exposition::TargetFamilies> text;
  RenderCache<ProtobufTargets> protobuf;
  RenderCache<StatusSnapshot> status;
  std::size_t protobuf_bytes = 0;  // the last protobuf rendering's size, reserved for the next

  void reuse_for(double factor) {
    text = RenderCache<Exposition::TargetFamilies>{factor};
    protobuf = RenderCache<ProtobufTargets>{factor};
    status = RenderCache<StatusSnapshot>{factor};
  }

  void results_changed() {
    const auto now = std::chrono::steady_clock::now();
    text.changed(now);
    protobuf.changed(now);
    status.changed(now);
  }

  void targets_changed() {
    text.discard();
    protobuf.discard();
    status.discard();
  }
};

// The cached rendering of `cache` if it may still be served, else `render()`'s, which is kept.
template <class T, class Render>
std::shared_ptr<const T> served(RenderCache<T>& cache, Render render) {
  const auto started = std::chrono::steady_clock::now();
  if (auto kept = cache.reusable(started)) return kept;
  std::shared_ptr<const T> fresh = render();
  cache.store(fresh, started, std::chrono::steady_clock::now());
  return fresh;
}

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

// Records every result waiting in the inbox.
void take_results(MetricsState& state) {
  std::vector<ProbeDone> taken = state.results->take();
  bool recorded = false;
  for (ProbeDone& done : taken) {
    // Results of a target removed while its probe was in flight are dropped, not resurrected.
    auto found = state.stats.find(done.target->labels);
    if (found == state.stats.end()) continue;
    found->second.record(done.result, done.verdict, state.duration_bounds);
    found->second.history.record(done.result, done.verdict, finished_at(done.result));
    recorded = true;
  }
  if (recorded) state.results_changed();
}

caf::behavior metrics_actor(caf::stateful_actor<MetricsState>* self, ResultInbox* results,
                            std::string prefix, double render_reuse_factor) {
  self->state.results = results;
  self->state.prefix = std::move(prefix);
  self->state.reuse_for(render_reuse_factor);
  // Runs on the actor's own thread (it is spawned detached). Best effort: where the system
  // refuses (a strict seccomp profile), the actor keeps the normal priority.
  name_this_thread("metrics");
  (void)lower_this_thread_priority(kMetricsNiceSteps);
  return {
      [self](drain_atom) { take_results(self->state); },
      [self](targets_atom, LabelSet& configured) {
        apply_bounds(self->state, std::move(configured.duration_buckets));
        retain_only(self->state.stats, configured.targets);
        self->state.families = configured.families;
        self->state.targets_changed();
        // After the new set, not before: results of targets it removed are dropped, and those of
        // targets it added (whose first probe may have beaten this message here) are kept.
        take_results(self->state);
      },
      [self](exposition_atom, std::string& own_families) -> ExpositionReply {
        auto& state = self->state;
        take_results(state);
        auto targets = served(state.text, [&state] {
          auto rendered = Exposition::render_targets(state.prefix, state.stats,
                                                     state.duration_bounds, kRenderThreads,
                                                     state.families);
          // A rendering of many targets allocates and frees MBs on its helper thread (rows,
          // chunks, compressor state), whose malloc arena keeps freed pages resident: ~10 MiB of
          // RSS at 10,000 targets without this. Trimming took 0.3-0.7 ms there.
          return_free_memory();
          return rendered;
        });
        return ExpositionReply{
            std::make_shared<const Exposition>(std::move(targets), std::move(own_families))};
      },
      [self](protobuf_atom) -> ProtobufReply {
        auto& state = self->state;
        take_results(state);
        return ProtobufReply{served(state.protobuf, [&state] {
          auto bytes = std::make_shared<const ProtobufTargets>(
              render_protobuf_targets(state.prefix, state.stats, state.duration_bounds,
                                      state.protobuf_bytes, state.families));
          state.protobuf_bytes = bytes->bytes().size();
          return_free_memory();
          return bytes;
        })};
      },
      [self](status_atom) -> StatusReply {
        auto& state = self->state;
        take_results(state);
        return StatusReply{served(state.status, [&state] {
          return std::make_shared<const StatusSnapshot>(make_status_snapshot(state.stats));
        })};
      },
  };
}

}  // namespace

caf::actor spawn_metrics_actor(caf::actor_system& system, ResultInbox& results,
                               std::string metric_prefix, double render_reuse_factor) {
  return system.spawn<caf::detached>(metrics_actor, &results, std::move(metric_prefix),
                                     render_reuse_factor);
}

}  // namespace epsitter
