// Unit tests for ConfigReloader: outcomes, the status it records, and one reload at a time.
#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "log/logger.hpp"
#include "reload/config_reloader.hpp"
#include "temp_directory.hpp"

using namespace epsitter;

namespace {

const std::string kTwoTargets =
    "urls:\n  a:\n    url: http://127.0.0.1:1/\n  b:\n    namespace: other\n"
    "    url: http://127.0.0.1:2/\n";

// Records what was applied; the clock is a counter so each outcome has its own timestamp.
struct Fixture {
  testing::TempDirectory dir;
  std::string path = dir.write("sitter.yaml", kTwoTargets);
  std::shared_ptr<spdlog::logger> log = make_stderr_logger(LogLevel::critical);
  std::vector<std::vector<std::string>> applied;  // target names, per apply
  double clock = 1000;
  ConfigReloader reloader{path,
                          [this](Config config) {
                            std::vector<std::string> names;
                            for (const auto& target : config.targets)
                              names.push_back(target.labels.name);
                            applied.push_back(names);
                            return std::string("applied");
                          },
                          *log, [this] { return clock; }};
};

}  // namespace

TEST_CASE("nothing is applied or ready before the first config", "[reload]") {
  Fixture f;
  const ReloadStatus status = f.reloader.status();
  CHECK_FALSE(status.ever_applied);
  CHECK_FALSE(status.last_successful);
  CHECK(status.last_success_unix_seconds == 0);
}

TEST_CASE("a valid file is applied and recorded with its time", "[reload]") {
  Fixture f;
  const ReloadOutcome outcome = f.reloader.reload("test");
  CHECK(outcome.ok);
  CHECK(outcome.message == "2 targets in 2 namespaces: applied");
  REQUIRE(f.applied.size() == 1);
  CHECK(f.applied[0] == std::vector<std::string>{"a", "b"});
  const ReloadStatus status = f.reloader.status();
  CHECK(status.ever_applied);
  CHECK(status.last_successful);
  CHECK(status.last_success_unix_seconds == 1000);
  CHECK(status.last_error.empty());
}

TEST_CASE("a broken file changes nothing and its error names file and line", "[reload]") {
  Fixture f;
  REQUIRE(f.reloader.reload("test").ok);
  f.dir.write("sitter.yaml", "urls:\n  a:\n    url: http://127.0.0.1:1/\n    timeout: soon\n");
  f.clock = 2000;
  const ReloadOutcome outcome = f.reloader.reload("test");
  CHECK_FALSE(outcome.ok);
  CHECK_THAT(outcome.message, Catch::Contains(f.path + ":4:"));
  CHECK_THAT(outcome.message, Catch::Contains("urls.a.timeout"));
  CHECK(f.applied.size() == 1);  // the broken config never reached the running system
  const ReloadStatus status = f.reloader.status();
  CHECK(status.ever_applied);  // still ready: the previous config keeps running
  CHECK_FALSE(status.last_successful);
  CHECK(status.last_success_unix_seconds == 1000);  // the time of the last success stays
  CHECK(status.last_error == outcome.message);

  f.dir.write("sitter.yaml", kTwoTargets);
  f.clock = 3000;
  CHECK(f.reloader.reload("test").ok);
  CHECK(f.reloader.status().last_successful);
  CHECK(f.reloader.status().last_success_unix_seconds == 3000);
  CHECK(f.reloader.status().last_error.empty());
}

TEST_CASE("a missing file is a failed reload, not a crash", "[reload]") {
  Fixture f;
  std::filesystem::remove(f.path);
  const ReloadOutcome outcome = f.reloader.reload("test");
  CHECK_FALSE(outcome.ok);
  CHECK_THAT(outcome.message, Catch::Contains("cannot read file"));
  CHECK_FALSE(f.reloader.status().ever_applied);
}

TEST_CASE("a config the running system cannot take is a failed reload", "[reload]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", kTwoTargets);
  auto log = make_stderr_logger(LogLevel::critical);
  ConfigReloader reloader{path,
                          [](Config) -> std::string { throw std::runtime_error("no supervisor"); },
                          *log, [] { return 5.0; }};
  const ReloadOutcome outcome = reloader.reload("test");
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.message == "no supervisor");
  CHECK_FALSE(reloader.status().ever_applied);
  CHECK_FALSE(reloader.status().last_successful);
}

TEST_CASE("an already loaded config can be applied directly (the one read at start)", "[reload]") {
  Fixture f;
  Config config = parse_config("urls:\n  only:\n    url: http://127.0.0.1:3/\n", "inline");
  CHECK(f.reloader.apply_initial(std::move(config), "start").ok);
  REQUIRE(f.applied.size() == 1);
  CHECK(f.applied[0] == std::vector<std::string>{"only"});
  CHECK(f.reloader.status().ever_applied);
}

TEST_CASE("the start config does not replace a newer one a reload applied first", "[reload]") {
  // The watcher runs before the start config is applied; a change it saw wins over the older text.
  Fixture f;
  REQUIRE(f.reloader.reload("file changed").ok);
  Config stale = parse_config("urls:\n  stale:\n    url: http://127.0.0.1:3/\n", "inline");
  CHECK(f.reloader.apply_initial(std::move(stale), "start").ok);
  REQUIRE(f.applied.size() == 1);
  CHECK(f.applied[0] == std::vector<std::string>{"a", "b"});
}

TEST_CASE("concurrent reloads run one at a time", "[reload]") {
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", kTwoTargets);
  auto log = make_stderr_logger(LogLevel::critical);
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  std::atomic<int> calls{0};
  ConfigReloader reloader{path,
                          [&](Config) {
                            const int now = ++inside;
                            int seen = most_inside.load();
                            while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                            }
                            std::this_thread::sleep_for(std::chrono::milliseconds(5));
                            --inside;
                            ++calls;
                            return std::string("applied");
                          },
                          *log, [] { return 1.0; }};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&reloader] {
      for (int j = 0; j < 5; ++j) reloader.reload("test");
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(calls == 20);
  CHECK(most_inside == 1);
}

TEST_CASE("a reload resolves ${VAR} through the environment it was given", "[reload]") {
  testing::TempDirectory dir;
  const std::string path =
      dir.write("sitter.yaml", "urls:\n  api:\n    url: http://127.0.0.1:${API_PORT}/\n");
  auto log = make_stderr_logger(LogLevel::critical);
  std::vector<std::string> urls;
  ConfigReloader reloader{path,
                          [&urls](Config config) {
                            urls.push_back(config.targets.at(0).url);
                            return std::string("applied");
                          },
                          *log, [] { return 1.0; },
                          [](const char* name) -> const char* {
                            return std::string(name) == "API_PORT" ? "8081" : nullptr;
                          }};
  REQUIRE(reloader.reload("test").ok);
  CHECK(urls == std::vector<std::string>{"http://127.0.0.1:8081/"});
}

TEST_CASE("the summary says when targets are discovered too", "[reload]") {
  Config config;
  config.kubernetes = KubernetesConfig{};
  CHECK(summarize(config) ==
        "0 targets in 0 namespaces, plus Kubernetes discovery in all namespaces");
  config.kubernetes->namespaces = {"a", "b"};
  CHECK_THAT(summarize(config), Catch::EndsWith("plus Kubernetes discovery in 2 namespaces"));
}

TEST_CASE("every reload applies the whole file; unchanged targets come out equal", "[reload]") {
  // The supervisor keeps a target running when the new one equals it: a reload of an unchanged
  // file must apply equal targets, and a refused config must not leave anything behind.
  testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", kTwoTargets);
  auto log = make_stderr_logger(LogLevel::critical);
  bool refuse = false;
  std::vector<std::vector<Target>> applied;
  ConfigReloader reloader{path,
                          [&](Config config) -> std::string {
                            if (refuse) throw std::runtime_error("refused");
                            applied.push_back(config.targets);
                            return "applied";
                          },
                          *log, [] { return 0.0; }};
  REQUIRE(reloader.reload("first").ok);
  REQUIRE(reloader.reload("unchanged").ok);
  REQUIRE(applied.size() == 2);
  CHECK(applied[1] == applied[0]);

  dir.write("sitter.yaml",
            "urls:\n  a:\n    url: http://127.0.0.1:1/\n  b:\n    namespace: other\n"
            "    url: http://127.0.0.1:3/\n");
  refuse = true;
  REQUIRE_FALSE(reloader.reload("refused").ok);
  refuse = false;
  REQUIRE(reloader.reload("again").ok);
  REQUIRE(applied.size() == 3);
  REQUIRE(applied[2].size() == 2);
  CHECK(applied[2][0] == applied[0][0]);
  CHECK(applied[2][1] != applied[0][1]);
  CHECK(applied[2][1].url == "http://127.0.0.1:3/");
}
