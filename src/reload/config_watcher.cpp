// Watches the config file, and the files its targets read, for changes: inotify on their
// directories (so that a Kubernetes ConfigMap's or Secret's `..data` symlink swap is seen), with a
// periodic content check as the fallback.
#include "reload/config_watcher.hpp"

#include <poll.h>
#include <spdlog/logger.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "config/file_text.hpp"
#include "config/input_limits.hpp"
#include "log/logfmt.hpp"
#include "os/thread_tuning.hpp"
#include "os/unique_fd.hpp"

namespace epsitter {

namespace {

// Everything that can change what the path resolves to or what it holds. A ConfigMap update
// creates a new timestamped directory and renames a `..data_tmp` symlink over `..data`; an editor
// may write in place or rename a temporary file over the original.
constexpr std::uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                     IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF |
                                     IN_MOVE_SELF | IN_ONLYDIR;

// What the file held when last read: a hash of its bytes, or nothing when it could not be read.
using Fingerprint = std::optional<std::size_t>;

// Read the way the loader reads it (following symlinks, a regular file of at most the config's
// size): the path swapped for a FIFO or /dev/zero must neither block this thread, which would then
// hold up the daemon's stop, nor fill memory. Any such change makes the fingerprint nothing, and
// the reload it triggers reports why.
Fingerprint fingerprint(const std::string& path) {
  try {
    return detail::content_hash(detail::read_file_text(path, kMaxConfigFileBytes));
  } catch (const detail::FileReadError&) {
    return std::nullopt;
  }
}

std::string directory_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

enum class Wake { stop, event, timeout };

}  // namespace

struct ConfigWatcher::Impl {
  // One file watched: where it is, and what it held when last read.
  struct Watched {
    std::string path;
    std::string directory;
    Fingerprint baseline;
  };

  Impl(std::string path_, Options options_, OnChange on_change_, spdlog::logger& log_,
       AlsoWatch also_watch_)
      : options(options_),
        on_change(std::move(on_change_)),
        also_watch(std::move(also_watch_)),
        log(log_),
        stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!stop_event.valid()) {
      throw std::system_error(errno, std::generic_category(), "eventfd for the config watcher");
    }
    files.push_back(Watched{path_, directory_of(path_), fingerprint(path_)});
    if (options.use_inotify) {
      inotify = UniqueFd{::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
      if (!inotify.valid()) {
        log.warn("msg=\"inotify unavailable, checking the config periodically\" error={}",
                 logged(std::strerror(errno)));
      }
    }
    refresh_files();
    log.info("msg=\"watching config\" file={} directory={} inotify={} check_interval_seconds={}",
             logged(files.front().path), logged(files.front().directory), inotify.valid(),
             options.check_interval.count() / 1000.0);
    thread = std::thread([this] { run(); });
  }

  ~Impl() {
    const std::uint64_t one = 1;
    // Cannot fail short of a bad descriptor, which the constructor excluded.
    static_cast<void>(::write(stop_event.get(), &one, sizeof one));
    if (thread.joinable()) thread.join();
  }

  // (Re)adds a watch on each directory; one may be missing for a while, or replaced.
  void add_watches() {
    if (!inotify.valid()) return;
    for (auto& [directory, watch] : watches) {
      if (watch >= 0) continue;
      watch = ::inotify_add_watch(inotify.get(), directory.c_str(), kWatchMask);
      if (watch < 0 && unwatchable.insert(directory).second) {
        log.warn(
            "msg=\"cannot watch config directory, checking periodically\" directory={} error={}",
            logged(directory), logged(std::strerror(errno)));
      } else if (watch >= 0) {
        unwatchable.erase(directory);
      }
    }
  }

  // Follows the files also_watch names, and only the directories of the files still watched keep
  // their inotify watch.
  void refresh_files() {
    if (also_watch) {
      std::vector<Watched> next{files.front()};
      for (ReferencedFile& named : also_watch()) {
        const auto known = std::find_if(files.begin() + 1, files.end(), [&](const Watched& file) {
          return file.path == named.path;
        });
        if (known != files.end()) {
          next.push_back(*known);
        } else {
          // What the load read, so that a change between that read and now is seen too.
          Fingerprint baseline = named.loaded_hash ? named.loaded_hash : fingerprint(named.path);
          std::string directory = directory_of(named.path);
          next.push_back(Watched{std::move(named.path), std::move(directory), baseline});
        }
      }
      files = std::move(next);
    }
    std::map<std::string, int> next_watches;
    for (const Watched& file : files) {
      const auto old = watches.find(file.directory);
      next_watches.emplace(file.directory, old != watches.end() ? old->second : -1);
    }
    for (const auto& [directory, watch] : watches) {
      if (watch >= 0 && next_watches.count(directory) == 0) {
        ::inotify_rm_watch(inotify.get(), watch);
      }
    }
    watches = std::move(next_watches);
    add_watches();
  }

  bool any_watch() const {
    return inotify.valid() && std::any_of(watches.begin(), watches.end(),
                                          [](const auto& entry) { return entry.second >= 0; });
  }

  Wake wait(std::chrono::milliseconds timeout) {
    std::array<pollfd, 2> fds{pollfd{stop_event.get(), POLLIN, 0},
                              pollfd{inotify.get(), POLLIN, 0}};
    const nfds_t count = any_watch() ? 2 : 1;
    int ready = 0;
    do {
      ready = ::poll(fds.data(), count, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
      // Not expected with valid descriptors; fall back to the periodic check rather than spin.
      log.warn("msg=\"config watcher poll failed\" error={}", logged(std::strerror(errno)));
      std::this_thread::sleep_for(timeout);
      return Wake::timeout;
    }
    if (fds[0].revents != 0) return Wake::stop;
    if (count == 2 && fds[1].revents != 0) return Wake::event;
    return Wake::timeout;
  }

  // Reads every pending event; only "a watch is gone" matters, the rest just means "look".
  void drain() {
    alignas(inotify_event) std::array<char, 4096> buffer{};
    for (;;) {
      const ssize_t length = ::read(inotify.get(), buffer.data(), buffer.size());
      if (length <= 0) return;  // EAGAIN: nothing more for now
      for (ssize_t offset = 0; offset < length;) {
        inotify_event event{};
        std::memcpy(&event, buffer.data() + offset, sizeof event);
        if ((event.mask & IN_IGNORED) != 0) {
          for (auto& entry : watches) {
            if (entry.second == event.wd) entry.second = -1;
          }
        }
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
      }
    }
  }

  // Waits until the directories have been quiet for `settle`; false when asked to stop meanwhile.
  bool settle() {
    const auto deadline = std::chrono::steady_clock::now() + options.max_settle;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      switch (wait(std::min(options.settle, left))) {
        case Wake::stop:
          return false;
        case Wake::event:
          drain();
          break;
        case Wake::timeout:
          return true;
      }
    }
  }

  // One reload for any number of files changed at once (a Secret's keys swap together).
  void check() {
    bool changed = false;
    for (Watched& file : files) {
      Fingerprint now = fingerprint(file.path);
      if (now == file.baseline) continue;
      file.baseline = now;
      changed = true;
      if (&file == &files.front()) {
        log.info("msg=\"config file changed\" file={}", logged(file.path));
      } else {
        log.info("msg=\"file read by targets changed\" file={}", logged(file.path));
      }
    }
    if (!changed) return;
    try {
      on_change();
    } catch (const std::exception& error) {
      log.error("msg=\"config change handler failed\" error={}", logged(error.what()));
    }
  }

  void run() {
    name_this_thread("config-watch");
    for (;;) {
      refresh_files();
      switch (wait(options.check_interval)) {
        case Wake::stop:
          return;
        case Wake::event:
          drain();
          if (!settle()) return;
          break;
        case Wake::timeout:
          break;
      }
      check();
    }
  }

  const Options options;
  const OnChange on_change;
  const AlsoWatch also_watch;
  spdlog::logger& log;
  UniqueFd stop_event;
  UniqueFd inotify;
  // The config first, then what also_watch names; touched by the watcher thread only, once it runs.
  std::vector<Watched> files;
  std::map<std::string, int> watches;  // directory -> inotify watch, -1 while not watched
  std::set<std::string> unwatchable;   // directories warned about, until watched again
  std::thread thread;
};

ConfigWatcher::ConfigWatcher(std::string path, Options options, OnChange on_change,
                             spdlog::logger& log, AlsoWatch also_watch)
    : impl_(std::make_unique<Impl>(std::move(path), options, std::move(on_change), log,
                                   std::move(also_watch))) {}

ConfigWatcher::~ConfigWatcher() = default;

bool ConfigWatcher::uses_inotify() const {
  return impl_->inotify.valid();
}

}  // namespace epsitter
