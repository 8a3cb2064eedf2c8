// Unit tests for loading a config again: only the targets whose lines changed are parsed, and the
// result is always exactly what parsing the whole file gives.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config/incremental_load.hpp"
#include "temp_directory.hpp"

using namespace epsitter;

namespace {

const std::string kFile = "/etc/epsitter/sitter.yaml";

std::vector<SharedTarget> running(const Config& config) {
  std::vector<SharedTarget> targets;
  for (const Target& target : config.targets) {
    targets.push_back(std::make_shared<const Target>(target));
  }
  return targets;
}

// What a reload does: load `text` against the memo and targets of the config `before` made.
LoadedConfig reload(const LoadedConfig& before, const std::string& text, const EnvLookup& env = {},
                    const std::string& file = kFile) {
  return load_config_text(text, file, env, before.memo, running(before.config));
}

std::string error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

const std::string kThree =
    "defaults:\n  timeout: 4\n  headers: {x-team: sre}\n"
    "urls:\n"
    "  web:\n    namespace: shop\n    url: http://127.0.0.1:1/\n\n"
    "  api:\n    url: http://127.0.0.1:2/api\n    method: post\n    payload: {a: 1}\n"
    "    expect_status: [200, 201]\n    labels: {team: core}\n"
    "  # a comment that belongs to api's lines\n"
    "  note:\n    url: http://127.0.0.1:3/\n    payload: |\n      line one\n\n"
    "request_duration_buckets: [0.1, 1]\n";

}  // namespace

TEST_CASE("a first load parses every target and remembers their lines", "[config][reload]") {
  const LoadedConfig first = load_config_text(kThree, kFile, {});
  CHECK(first.targets_parsed == 3);
  CHECK(first.config.targets == parse_config(kThree, kFile).targets);
  CHECK(first.memo.size() == 3);
}

TEST_CASE("a reload parses only the targets whose lines changed", "[config][reload]") {
  const LoadedConfig first = load_config_text(kThree, kFile, {});
  const LoadedConfig same = reload(first, kThree);
  CHECK(same.targets_parsed == 0);
  CHECK(same.config.targets == first.config.targets);
  CHECK(same.config.duration_buckets == std::vector<double>{0.1, 1});

  std::string changed = kThree;
  changed.replace(changed.find("method: post"), 12, "method: put");
  const LoadedConfig one = reload(first, changed);
  CHECK(one.targets_parsed == 1);
  CHECK(one.config.targets == parse_config(changed, kFile).targets);
  CHECK(one.config.targets[1].method == "PUT");

  // Added and removed targets, and a target moved: order is the file's.
  const std::string moved =
      "defaults:\n  timeout: 4\n  headers: {x-team: sre}\n"
      "urls:\n"
      "  note:\n    url: http://127.0.0.1:3/\n    payload: |\n      line one\n\n"
      "  added:\n    url: http://127.0.0.1:4/\n"
      "  web:\n    namespace: shop\n    url: http://127.0.0.1:1/\n\n"
      "request_duration_buckets: [0.1, 1]\n";
  const LoadedConfig shuffled = reload(first, moved);
  CHECK(shuffled.targets_parsed == 1);
  CHECK(shuffled.config.targets == parse_config(moved, kFile).targets);
}

TEST_CASE("a target whose lines are unchanged is parsed again when what it reads changed",
          "[config][reload]") {
  SECTION("the frame: defaults, and everything but the targets") {
    const LoadedConfig first = load_config_text(kThree, kFile, {});
    std::string changed = kThree;
    changed.replace(changed.find("timeout: 4"), 10, "timeout: 9");
    const LoadedConfig again = reload(first, changed);
    CHECK(again.targets_parsed == 3);
    CHECK(again.config.targets == parse_config(changed, kFile).targets);
    CHECK(again.config.targets[0].timeout == std::chrono::milliseconds{9000});
  }
  SECTION("the environment, through ${VAR}") {
    std::string value = "one";
    const EnvLookup env = [&value](const char* name) {
      return std::string{name} == "TOKEN" ? value.c_str() : nullptr;
    };
    const std::string text =
        "urls:\n  a:\n    url: http://127.0.0.1:1/\n"
        "    headers: {x-token: \"${TOKEN}\"}\n"
        "  b:\n    url: http://127.0.0.1:2/\n";
    const LoadedConfig first = load_config_text(text, kFile, env);
    value = "two";
    const LoadedConfig again = reload(first, text, env);
    CHECK(again.targets_parsed == 1);
    CHECK(again.config.targets == parse_config(text, kFile, env).targets);
    CHECK(again.config.targets[0] != first.config.targets[0]);
  }
  SECTION("a secret file") {
    testing::TempDirectory dir;
    const std::string secret = dir.write("pass", "old");
    const std::string text =
        "urls:\n  a:\n    url: http://127.0.0.1:1/\n    auth_user: u\n"
        "    auth_pass_file: pass\n"
        "  b:\n    url: http://127.0.0.1:2/\n";
    const std::string file = (dir.path() / "sitter.yaml").string();
    const LoadedConfig first = load_config_text(text, file, {});
    dir.write("pass", "new");
    const LoadedConfig again = reload(first, text, {}, file);
    CHECK(again.targets_parsed == 1);
    CHECK(again.config.targets == parse_config(text, file).targets);
    CHECK(again.config.targets[0] != first.config.targets[0]);
  }
  SECTION("a running target of that name that the memo does not describe") {
    const LoadedConfig first = load_config_text(kThree, kFile, {});
    const LoadedConfig again = load_config_text(kThree, kFile, {}, first.memo, {});
    CHECK(again.targets_parsed == 3);
    CHECK(again.config.targets == first.config.targets);
  }
}

TEST_CASE("each target parsed on its own lines gives what the whole file gives",
          "[config][reload]") {
  // Loaded first without a memo, then with a memo but no running target: both parse every target
  // from its own lines.
  const std::vector<std::string> texts{
      kThree,
      "urls:\r\n  a:\r\n    url: http://127.0.0.1:1/\r\n    payload: |+\r\n      kept\r\n\r\n"
      "  b: {url: 'http://127.0.0.1:2/', method: GET}\r\n",
      "urls:\n    deep:\n        url: http://127.0.0.1:1/\n        expect_body: \"a\n          "
      "b\"\n"
      "    on:\n        url: http://127.0.0.1:2/\n        labels:\n            tier: &t gold\n",
      "urls:\n  \"q\":\n    url: http://127.0.0.1:1/\n  'r': {url: 'http://127.0.0.1:2/'}\n",
      "kubernetes: {api_url: 'http://127.0.0.1:8001'}\ndefaults:\n  interval: 5\n"
      "urls:\n  a:\n    url: http://127.0.0.1:1/\n",
      // yaml-cpp takes a quote left open to the end of the text, swallowing what follows it:
      // parsed target by target the buckets would be read, and the next target too.
      "urls:\n  a:\n    url: http://127.0.0.1:1/\n    payload: \"open\n"
      "request_duration_buckets: [0.1, 1]\n",
      "urls:\n  a:\n    url: http://127.0.0.1:1/\n    payload: 'open\n"
      "  b:\n    url: http://127.0.0.1:2/\n    payload: 'x'\n",
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    const std::string error = error_of([&] { parse_config(text, kFile); });
    if (error != "no error") {  // then so must the other way be, with the same message
      CHECK(error_of([&] { load_config_text(text, kFile, {}); }) == error);
      continue;
    }
    const LoadedConfig first = load_config_text(text, kFile, {});
    const Config whole = parse_config(text, kFile);
    const LoadedConfig parts = load_config_text(text, kFile, {}, first.memo, {});
    for (const LoadedConfig* loaded : {&first, &parts}) {
      CHECK(loaded->targets_parsed == whole.targets.size());
      CHECK(loaded->config.targets == whole.targets);
      CHECK(loaded->config.duration_buckets == whole.duration_buckets);
      CHECK(loaded->config.kubernetes == whole.kubernetes);
      CHECK((loaded->config.discovery == nullptr) == (whole.discovery == nullptr));
    }
  }
}

TEST_CASE("an error in a changed target is reported with the whole file's lines",
          "[config][reload]") {
  const LoadedConfig first = load_config_text(kThree, kFile, {});
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"method: post", "method: fetch"},                  // a bad value
           {"method: post", "mehtod: post"},                   // an unknown field
           {"method: post", "method: post\n    method: get"},  // a field twice
           {"  web:\n", "  api:\n"},                           // a name twice
           {"  note:\n", "  note: 3\n  x:\n"}}) {              // not a map
    std::string broken = kThree;
    broken.replace(broken.find(from), from.size(), to);
    CAPTURE(broken);
    const std::string expected = error_of([&] { parse_config(broken, kFile); });
    CHECK(expected != "no error");
    CHECK(error_of([&] { reload(first, broken); }) == expected);
  }
}

TEST_CASE("a load by chunks charges one budget for the whole file, as parse_config does",
          "[config][reload][budget]") {
  // The defaults' 10 KiB payload copied into 2,000 targets passes 16 MiB: the chunks cannot dodge
  // it by each being small, and the error is the whole file's.
  std::string text =
      "defaults:\n  method: POST\n  payload: \"" + std::string(10'240, 'x') + "\"\nurls:\n";
  for (int i = 0; i < 2'000; ++i) text += "  t" + std::to_string(i) + ":\n    url: http://a\n";
  REQUIRE(split_target_chunks(text));
  const std::string chunked = error_of([&] { load_config_text(text, kFile, {}); });
  CHECK(chunked == error_of([&] { parse_config(text, kFile, {}); }));
  CHECK_THAT(chunked, Catch::Contains("urls.t1633: the config grows past 16 MiB"));
  // Under the budget, the chunks' sum is what the whole file measures.
  const std::string small = "urls:\n  a:\n    url: http://a\n  b:\n    url: http://b\n";
  ExpansionBudget whole = config_expansion_budget();
  parse_config(small, kFile, {}, whole);
  const LoadedConfig loaded = load_config_text(small, kFile, {});
  CHECK(loaded.expanded.values == whole.used().values);
  CHECK(loaded.expanded.bytes == whole.used().bytes);
}
