// Watches the config file, and the files its targets read, for changes: inotify on their
// directories (so that a Kubernetes ConfigMap's or Secret's `..data` symlink swap is seen), with a
// periodic content check as the fallback.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/referenced_files.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

// Calls on_change (on its own thread) when the content of the config file, or of a file that
// `also_watch` names, differs from what it last saw. Any event in their directories, or the check
// interval passing, leads to a content comparison, so editors, renames and symlink swaps are all
// handled the same way and an unchanged file never triggers a reload.
class ConfigWatcher {
 public:
  struct Options {
    // How often the content is compared even without an inotify event (the fallback, and a guard
    // against missed events).
    std::chrono::milliseconds check_interval{5'000};
    // Events keep coming while a file is being written; the content is compared once the
    // directory has been quiet this long (or after max_settle in any case).
    std::chrono::milliseconds settle{200};
    std::chrono::milliseconds max_settle{2'000};
    bool use_inotify = true;  // false: the periodic check alone (as when inotify is unavailable)
  };
  using OnChange = std::function<void()>;
  // The files to watch beside the config (the running config's secrets and TLS files), asked
  // again before every comparison so that a reload naming other files is followed. A file first
  // named is compared with what the load read (its loaded_hash), or else read as its baseline.
  using AlsoWatch = std::function<std::vector<ReferencedFile>()>;

  // Reads the file's current content as the baseline, then starts watching.
  ConfigWatcher(std::string path, Options options, OnChange on_change, spdlog::logger& log,
                AlsoWatch also_watch = {});
  ~ConfigWatcher();  // stops the thread and closes its descriptors
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

  // True when inotify events drive the checks (false: periodic checks only).
  bool uses_inotify() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epsitter
