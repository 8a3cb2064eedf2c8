// Loads, validates and applies the config file, one reload at a time, and remembers the outcome
// of the last attempt (for the reload gauges, /-/ready and POST /-/reload).
#include "reload/config_reloader.hpp"

#include <spdlog/logger.h>

#include <chrono>
#include <set>
#include <stdexcept>

#include "log/logfmt.hpp"
#include "os/allocator_tuning.hpp"
#include "os/thread_tuning.hpp"

namespace epsitter {

namespace {

// Below the metrics actor's render (5): a reload is never urgent, a probe's start is.
constexpr int kParseNiceSteps = 10;

}  // namespace

std::string summarize(const Config& config) {
  std::set<std::string> namespaces;
  for (const auto& target : config.targets) namespaces.insert(target.labels.namespace_);
  std::string summary = std::to_string(config.targets.size()) + " targets in " +
                        std::to_string(namespaces.size()) + " namespaces";
  if (config.kubernetes) {
    const auto& watched = config.kubernetes->namespaces;
    summary += ", plus Kubernetes discovery in " +
               (watched.empty() ? std::string{"all namespaces"}
                                : std::to_string(watched.size()) + " namespaces");
  }
  return summary;
}

double system_wall_clock() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

ConfigReloader::ConfigReloader(std::string path, Apply apply, spdlog::logger& log, WallClock now,
                               EnvLookup env)
    : path_(std::move(path)),
      apply_(std::move(apply)),
      log_(log),
      now_(std::move(now)),
      env_(std::move(env)) {}

ReloadOutcome ConfigReloader::apply_initial(Config config, std::string_view trigger,
                                            const ExpandedSize& expanded) {
  const std::lock_guard<std::mutex> lock{reload_mutex_};
  if (status().ever_applied) {
    log_.info("msg=\"config reloaded before start applied it; keeping the newer one\" trigger={}",
              logged(trigger));
    return ReloadOutcome{true, "a newer config from the file was applied already"};
  }
  return apply_locked(std::move(config), expanded, trigger);
}

ReloadOutcome ConfigReloader::reload(std::string_view trigger) {
  const std::lock_guard<std::mutex> lock{reload_mutex_};
  ExpansionBudget budget = config_expansion_budget();
  Config config;
  try {
    // A big file's parse takes a core for a few hundred ms (10,000 targets: ~0.3 s) on the thread
    // that asked for the reload (a web worker, the watcher, the signal thread). At a lower
    // priority it yields the cores to the probing threads. On 2 cores probing 10,000 targets a
    // second (the machine's limit), the start delay p99 during reloads was 0.1-0.25 s in 3 of 4
    // runs, against 0.9-2.4 s at normal priority (bench, reloads row); the parse took 0.6-0.8 s.
    config = run_at_lower_priority("config-parse", kParseNiceSteps,
                                   [&] { return load_config_file(path_, env_, budget); });
  } catch (const ConfigError& error) {
    return fail_locked(error.what(), trigger);
  }
  return apply_locked(std::move(config), budget.used(), trigger);
}

ReloadOutcome ConfigReloader::apply_locked(Config config, const ExpandedSize& expanded,
                                           std::string_view trigger) {
  const std::string loaded = summarize(config);
  std::vector<ReferencedFile> files = epsitter::referenced_files(config);
  std::string applied;
  // The YAML tree is gone by now, but its pages stay with this thread's malloc arena, where the
  // actors (other threads, other arenas) cannot reuse them: return them before the actors take
  // theirs, or a 10,000-target start peaks ~30 MiB higher.
  return_free_memory();
  try {
    applied = apply_(std::move(config));
  } catch (const std::runtime_error& error) {
    return fail_locked(error.what(), trigger);
  }
  // The YAML tree of a big config is many times the size of the targets it yields, and the
  // targets' own strings sit scattered among its freed nodes. The actors have copied what they
  // keep by now, so this thread's copy is gone too: hand the free pages back (about 75 MiB after a
  // 10,000-target config) rather than carry them for the life of the daemon.
  return_free_memory();
  // Logged before the gauges change, so that whoever sees them change finds the reason logged.
  log_.info(
      "msg=\"config loaded\" trigger={} file={} summary={} {} expanded_bytes={} "
      "expanded_values={}",
      logged(trigger), logged(path_), logged(loaded), applied, expanded.bytes, expanded.values);
  {
    const std::lock_guard<std::mutex> lock{status_mutex_};
    status_.ever_applied = true;
    status_.last_successful = true;
    status_.last_success_unix_seconds = now_();
    status_.last_error.clear();
    referenced_files_ = std::move(files);
  }
  return ReloadOutcome{true, loaded + ": " + applied};
}

ReloadOutcome ConfigReloader::fail_locked(const std::string& error, std::string_view trigger) {
  log_.error("msg=\"config reload failed, keeping the running config\" trigger={} error={}",
             logged(trigger), logged(error));
  {
    const std::lock_guard<std::mutex> lock{status_mutex_};
    status_.last_successful = false;
    status_.last_error = error;
  }
  return ReloadOutcome{false, error};
}

ReloadStatus ConfigReloader::status() const {
  const std::lock_guard<std::mutex> lock{status_mutex_};
  return status_;
}

std::vector<ReferencedFile> ConfigReloader::referenced_files() const {
  const std::lock_guard<std::mutex> lock{status_mutex_};
  return referenced_files_;
}

}  // namespace epsitter
