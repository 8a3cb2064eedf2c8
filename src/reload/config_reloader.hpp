// Loads, validates and applies the config file, one reload at a time, and remembers the outcome
// of the last attempt (for the reload gauges, /-/ready and POST /-/reload).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "config/expansion_budget.hpp"
#include "config/referenced_files.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

struct ReloadOutcome {
  bool ok = false;
  std::string message;  // the apply summary, or the error (file:line:col: field: problem)
};

// What /metrics and /-/ready need to know; a copy, so readers hold no lock.
struct ReloadStatus {
  bool ever_applied = false;             // a valid config runs (readiness)
  bool last_successful = false;          // outcome of the last attempt, start included
  double last_success_unix_seconds = 0;  // wall clock of the last success; 0 = never
  std::string last_error;                // empty after a success
};

class ConfigReloader {
 public:
  // Applies a validated config to the running system and returns a one-line summary of what
  // changed. Throws std::runtime_error when it cannot.
  using Apply = std::function<std::string(Config)>;
  // Seconds since the Unix epoch (injected so that tests control time).
  using WallClock = std::function<double()>;

  // `env` resolves ${VAR} in the file on every reload, as at start.
  ConfigReloader(std::string path, Apply apply, spdlog::logger& log, WallClock now,
                 EnvLookup env = {});
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // Applies the config read at start. The file watcher starts before it (so that its descriptors
  // are taken before probes can use them all up), and a change it reports may be applied first:
  // then that newer config is kept and this older one is not applied. `trigger` is logged, and so
  // is `expanded`, what the config's expansion budget measured when it was parsed.
  ReloadOutcome apply_initial(Config config, std::string_view trigger,
                              const ExpandedSize& expanded = {});
  // Reads and parses the whole file again and applies it; a config that fails validation changes
  // nothing. The targets it leaves unchanged keep running as they were: the target sources hand
  // them over as the same objects. Thread-safe: concurrent calls (signal, HTTP, file watcher) run
  // one after the other.
  ReloadOutcome reload(std::string_view trigger);

  ReloadStatus status() const;
  const std::string& path() const { return path_; }
  // The files the running config's targets read (referenced_files.hpp), for the file watcher.
  std::vector<ReferencedFile> referenced_files() const;

 private:
  ReloadOutcome apply_locked(Config config, const ExpandedSize& expanded, std::string_view trigger);
  ReloadOutcome fail_locked(const std::string& error, std::string_view trigger);

  const std::string path_;
  const Apply apply_;
  spdlog::logger& log_;
  const WallClock now_;
  const EnvLookup env_;
  std::mutex reload_mutex_;          // serialises whole reloads (load + apply)
  mutable std::mutex status_mutex_;  // guards status_ only, so readers never wait for a reload
  ReloadStatus status_;
  std::vector<ReferencedFile> referenced_files_;  // of the config last applied; under status_mutex_
};

// "3 targets in 2 namespaces" (", plus Kubernetes discovery in all namespaces"): what a config
// holds, for logs and --check-config.
std::string summarize(const Config& config);

// The wall clock in seconds since the Unix epoch.
double system_wall_clock();

}  // namespace epsitter
