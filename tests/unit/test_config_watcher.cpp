// Unit tests for ConfigWatcher: edits, a ConfigMap-style `..data` symlink swap, the periodic
// fallback without inotify, and no call when the content did not change.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "config/file_text.hpp"
#include "log/logger.hpp"
#include "reload/config_watcher.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Counts on_change calls and lets the test wait for the next one (generous bounds: a loaded CI
// machine must not fail these).
class Changes {
 public:
  ConfigWatcher::OnChange callback() {
    return [this] {
      const std::lock_guard<std::mutex> lock{mutex_};
      ++count_;
      changed_.notify_all();
    };
  }
  bool wait_for(int count, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return count_ >= count; });
  }
  int count() {
    const std::lock_guard<std::mutex> lock{mutex_};
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

ConfigWatcher::Options inotify_only() {
  ConfigWatcher::Options options;
  options.check_interval = 1h;  // so that only an inotify event can explain a call
  options.settle = 50ms;
  return options;
}

// Lays out a directory the way the kubelet mounts a ConfigMap or Secret volume:
// NAME -> ..data/NAME, ..data -> ..<version>/
void write_configmap_version(const fs::path& dir, const std::string& version,
                             const std::string& text, const std::string& name = "sitter.yaml") {
  const fs::path versioned = dir / ("..%" + version);
  fs::create_directory(versioned);
  std::ofstream(versioned / name) << text;
  const fs::path temporary = dir / "..data_tmp";
  fs::create_directory_symlink(versioned.filename(), temporary);
  fs::rename(temporary, dir / "..data");  // atomic, as the kubelet's rename(2)
  if (!fs::exists(dir / name)) fs::create_symlink("..data/" + name, dir / name);
}

}  // namespace

TEST_CASE("an edit of the file in place is noticed through inotify", "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "first\n");
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher watcher{path, inotify_only(), changes.callback(), *log};
  REQUIRE(watcher.uses_inotify());
  dir.write("sitter.yaml", "second\n");
  CHECK(changes.wait_for(1));
  dir.write("sitter.yaml", "third\n");
  CHECK(changes.wait_for(2));
}

TEST_CASE("a ConfigMap ..data symlink swap is noticed", "[watcher]") {
  testing::TempDirectory dir;
  write_configmap_version(dir.path(), "v1", "first\n");
  const std::string path = (dir.path() / "sitter.yaml").string();
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher watcher{path, inotify_only(), changes.callback(), *log};
  write_configmap_version(dir.path(), "v2", "second\n");
  fs::remove_all(dir.path() / "..%v1");
  CHECK(changes.wait_for(1));
}

TEST_CASE("a Secret's ..data swap of a file the targets read is noticed", "[watcher]") {
  testing::TempDirectory config_dir;
  testing::TempDirectory secret_dir;
  const std::string path = config_dir.write("sitter.yaml", "config\n");
  write_configmap_version(secret_dir.path(), "v1", "old-password", "password");
  const std::string secret = (secret_dir.path() / "password").string();
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher watcher{path, inotify_only(), changes.callback(), *log, [&secret] {
                          return std::vector<ReferencedFile>{{secret, std::nullopt}};
                        }};
  write_configmap_version(secret_dir.path(), "v2", "new-password", "password");
  fs::remove_all(secret_dir.path() / "..%v1");
  CHECK(changes.wait_for(1));
  std::this_thread::sleep_for(300ms);
  CHECK(changes.count() == 1);  // one change, one call, however many events the swap made
}

TEST_CASE("a file first named after the start is its baseline, not a change", "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "config\n");
  const std::string token = dir.write("token", "t1");
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  std::mutex mutex;
  std::vector<ReferencedFile> named;  // as the files a reload names for the first time
  ConfigWatcher::Options options = inotify_only();
  options.check_interval = 100ms;  // so that the list is asked for again soon without an event
  ConfigWatcher watcher{path, options, changes.callback(), *log, [&] {
                          const std::lock_guard<std::mutex> lock{mutex};
                          return named;
                        }};
  {
    const std::lock_guard<std::mutex> lock{mutex};
    named.push_back({token, std::nullopt});
  }
  std::this_thread::sleep_for(500ms);  // several rounds: the file is known by now
  CHECK(changes.count() == 0);
  dir.write("token", "t2");
  CHECK(changes.wait_for(1));
  {
    const std::lock_guard<std::mutex> lock{mutex};
    named.clear();  // a reload that no longer reads it
  }
  std::this_thread::sleep_for(500ms);
  dir.write("token", "t3");
  std::this_thread::sleep_for(500ms);
  CHECK(changes.count() == 1);
}

TEST_CASE("a file changed between its load and the watcher learning of it is a change",
          "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "config\n");
  const std::string token = dir.write("token", "rotated-since");
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  // The load read "loaded", which the file no longer holds when the watcher first hears of it.
  const ReferencedFile loaded{token, detail::content_hash("loaded")};
  ConfigWatcher watcher{path, inotify_only(), changes.callback(), *log,
                        [&loaded] { return std::vector<ReferencedFile>{loaded}; }};
  dir.write("sitter.yaml", "config\n");  // an event, so that the first comparison comes soon
  CHECK(changes.wait_for(1));
}

TEST_CASE("events that leave the content unchanged call nothing", "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "same\n");
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher watcher{path, inotify_only(), changes.callback(), *log};
  dir.write("sitter.yaml", "same\n");  // rewritten, same bytes
  dir.write("unrelated.txt", "noise\n");
  dir.write("sitter.yaml", "different\n");  // the one real change, after the noise
  REQUIRE(changes.wait_for(1));
  std::this_thread::sleep_for(300ms);
  CHECK(changes.count() == 1);
}

TEST_CASE("without inotify a periodic content check finds the change", "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "first\n");
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher::Options options;
  options.use_inotify = false;
  options.check_interval = 100ms;
  ConfigWatcher watcher{path, options, changes.callback(), *log};
  CHECK_FALSE(watcher.uses_inotify());
  dir.write("sitter.yaml", "second\n");
  CHECK(changes.wait_for(1));
}

TEST_CASE("a deleted and recreated directory is watched again", "[watcher]") {
  testing::TempDirectory outer;
  const fs::path dir = outer.path() / "config";
  fs::create_directory(dir);
  const std::string path = (dir / "sitter.yaml").string();
  std::ofstream(path) << "first\n";
  auto log = make_stderr_logger(LogLevel::critical);
  Changes changes;
  ConfigWatcher::Options options = inotify_only();
  options.check_interval = 200ms;  // the watch is re-added on the next periodic pass
  ConfigWatcher watcher{path, options, changes.callback(), *log};
  fs::remove_all(dir);
  REQUIRE(changes.wait_for(1));  // the file vanished: that is a change too
  fs::create_directory(dir);
  std::ofstream(path) << "second\n";
  CHECK(changes.wait_for(2));
}

TEST_CASE("the watcher stops promptly and closes its descriptors", "[watcher]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "first\n");
  auto log = make_stderr_logger(LogLevel::critical);
  const auto count_fds = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{});
  };
  const auto before = count_fds();
  const auto started = std::chrono::steady_clock::now();
  {
    Changes changes;
    ConfigWatcher watcher{path, ConfigWatcher::Options{}, changes.callback(), *log};
  }
  // The default check interval is 5 s; stopping must not wait for it.
  CHECK(std::chrono::steady_clock::now() - started < 4s);
  CHECK(count_fds() == before);
}
