// Unit tests for loading the config from its file (what may be read, and how much) and for the
// expansion budget that bounds what aliases, merges and ${VAR} may copy.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config_loader.hpp"
#include "config/input_limits.hpp"
#include "config_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Catch::Contains;

TEST_CASE("load_config_file reads and parses a file, naming it in errors", "[config][file]") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("epsitter_test_config_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out{path};
    out << kSeedSample;
  }
  CHECK(load_config_file(path.string()).targets.size() == 3);
  {
    std::ofstream out{path};
    out << "urls:\n  t:\n    url: http://a\n    tiemout: 1\n";
  }
  try {
    load_config_file(path.string());
    FAIL("the misspelt field was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.file() == path.string());
    CHECK_THAT(message_of(error), Contains(path.string() + ":4:5: urls.t.tiemout: "));
  }
  std::filesystem::remove(path);
}

// A reload parses the whole file again and hands the supervisor what it parsed: an unchanged target
// keeps running only because parsing the same text gives an equal target.
TEST_CASE("the same text parses to equal targets, field by field", "[config][file]") {
  const std::string text =
      "defaults:\n  timeout: 4\n  headers: {x-team: sre}\n"
      "urls:\n"
      "  web:\n    namespace: shop\n    url: http://127.0.0.1:1/\n\n"
      "  api:\n    url: http://u:p@127.0.0.1:2/api\n    method: post\n    payload: {a: 1}\n"
      "    expect_status: [200, 201]\n    labels: {team: core}\n"
      "  # a comment that belongs to api's lines\n"
      "  note:\n    url: http://127.0.0.1:3/\n    payload: |\n      line one\n\n"
      "  json: {url: 'http://127.0.0.1:4/', json: {b: [1, 2.5, null]}, expect_body: ok}\n"
      "request_duration_buckets: [0.1, 1]\n";
  const Config first = parse_config(text, "sitter.yaml");
  const Config again = parse_config(text, "sitter.yaml");
  REQUIRE(first.targets.size() == 4);
  CHECK(again.targets == first.targets);
  CHECK(parse_config(kSeedSample, "sitter.yaml").targets ==
        parse_config(kSeedSample, "sitter.yaml").targets);
}

TEST_CASE("parsing the same text again reads ${VAR} and secret files again", "[config][file]") {
  // What the text reads outside itself may have changed since the last parse: a reload must see it.
  const testing::TempDirectory dir;
  dir.write("pass", "old");
  std::string token = "one";
  const EnvLookup env = [&token](const char* name) {
    return std::string{name} == "TOKEN" ? token.c_str() : nullptr;
  };
  const std::string path =
      dir.write("sitter.yaml",
                "urls:\n  a:\n    url: http://127.0.0.1:1/\n    headers: {x-token: \"${TOKEN}\"}\n"
                "  b:\n    url: http://127.0.0.1:2/\n    auth_user: u\n    auth_pass_file: pass\n"
                "  c:\n    url: http://127.0.0.1:3/\n");
  const Config first = load_config_file(path, env);
  token = "two";
  dir.write("pass", "new");
  const Config again = load_config_file(path, env);
  REQUIRE(again.targets.size() == 3);
  CHECK(again.targets[0].headers == Headers{{"x-token", "two"}});
  CHECK(again.targets[1].extras->auth_pass == std::optional<std::string>{"new"});
  CHECK(again.targets[0] != first.targets[0]);
  CHECK(again.targets[1] != first.targets[1]);
  CHECK(again.targets[2] == first.targets[2]);
}

TEST_CASE("a file that cannot be read is a ConfigError without a position", "[config][file]") {
  const std::string path = "/nonexistent/epsitter/sitter.yaml";
  try {
    load_config_file(path);
    FAIL("a missing file was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.line() == 0);
    CHECK(error.column() == 0);
    CHECK(error.field().empty());
    CHECK(message_of(error) == path + ": cannot read file: No such file or directory");
  }
}

TEST_CASE("a directory is not a config file", "[config][file]") {
  const std::string path = std::filesystem::temp_directory_path().string();
  CHECK_THROWS_MATCHES(
      load_config_file(path), ConfigError,
      Catch::Message(path + ": cannot read file: it is a directory, not a regular file"));
}

TEST_CASE("a FIFO or a device is refused as the config, at once", "[config][file]") {
  const testing::TempDirectory dir;
  const std::string fifo = (dir.path() / "sitter.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_MATCHES(
      load_config_file(fifo), ConfigError,
      Catch::Message(fifo + ": cannot read file: it is a FIFO (named pipe), not a regular file"));
  CHECK_THROWS_MATCHES(
      load_config_file("/dev/zero"), ConfigError,
      Catch::Message("/dev/zero: cannot read file: it is a character device, not a regular file"));
}

TEST_CASE("a config file longer than 16 MiB is refused before it is read", "[config][file]") {
  const testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "urls:\n  a:\n    url: http://h/\n");
  std::filesystem::resize_file(path, kMaxConfigFileBytes + 1);  // sparse: costs no disk
  CHECK_THROWS_MATCHES(
      load_config_file(path), ConfigError,
      Catch::Message(path + ": cannot read file: it is larger than 16 MiB, the most allowed here"));
}

// --- Bounded expansion
// ---------------------------------------------------------------------------------------------

namespace {

// A payload whose last list holds 9^5 copies of a `leaf`-byte text, in ~`leaf` bytes of YAML.
std::string payload_bomb(std::size_t leaf) {
  std::string text = "urls:\n  bomb:\n    url: http://a\n    method: POST\n    payload:\n";
  text += "      l0: &l0 \"" + std::string(leaf, 'x') + "\"\n";
  for (int level = 1; level <= 5; ++level) {
    text += "      l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) text += (i > 0 ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("an alias bomb is a config error at the alias that passes the budget, before any copy",
          "[config][errors][budget]") {
  // 8 KiB of YAML that expanded to 413 MB of payload (1 GB of memory) before the budget.
  const ConfigError error = error_for(payload_bomb(7'600));
  CHECK(error.file() == "sitter.yaml");
  CHECK(error.line() == 10);
  CHECK(error.field() == "urls.bomb.payload.l4[1]");
  CHECK_THAT(message_of(error),
             Contains("the config grows past 16 MiB of text here once expanded"));
}

TEST_CASE("a merge-key bomb is refused instead of walking 10^12 merges", "[config][budget]") {
  std::string text = "urls:\n  t:\n    url: http://a\n    labels:\n      m0: &m0 {k: v}\n";
  for (int level = 1; level <= 12; ++level) {
    text += "      m" + std::to_string(level) + ": &m" + std::to_string(level) + " {<<: [";
    for (int i = 0; i < 10; ++i) text += (i > 0 ? ", *m" : "*m") + std::to_string(level - 1);
    text += "]}\n";
  }
  CHECK_THAT(message_of(error_for(text)), Contains("grows past 1000000 values here"));
}

TEST_CASE("a defaults field is charged once for every target that inherits it",
          "[config][budget]") {
  // 10 KiB of payload in `defaults:`, copied into 2,000 targets, is 20 MB of bodies.
  std::string text =
      "defaults:\n  method: POST\n  payload: \"" + std::string(10'240, 'x') + "\"\nurls:\n";
  for (int i = 0; i < 2'000; ++i) text += "  t" + std::to_string(i) + ": {url: http://a}\n";
  const ConfigError error = error_for(text);
  CHECK(error.field() == "urls.t1633");
  CHECK_THAT(message_of(error),
             Contains("grows past 16 MiB of text here once expanded") &&
                 Contains("it inherits defaults.payload, which is copied into every target"));
  // A target with its own payload copies none.
  std::string own = "defaults:\n  payload: \"" + std::string(10'240, 'x') + "\"\nurls:\n";
  for (int i = 0; i < 2'000; ++i) {
    own += "  t" + std::to_string(i) + ": {url: http://a, method: POST, payload: x}\n";
  }
  CHECK(parse(own).targets.size() == 2'000);
}

TEST_CASE("${VAR} cannot grow a value past the budget", "[config][budget]") {
  const std::string big(65'536, 'x');
  const EnvLookup env = [&big](const char* name) {
    return name == std::string{"BIG"} ? big.c_str() : nullptr;
  };
  std::string refs;
  for (int i = 0; i < 300; ++i) refs += "${BIG}";  // 19.7 MB from 1.8 KB
  try {
    parse_config("urls:\n  t:\n    url: http://a\n    headers: {X-Big: \"" + refs + "\"}\n",
                 "sitter.yaml", env);
    FAIL("accepted");
  } catch (const ConfigError& error) {
    CHECK(error.field() == "urls.t.headers.X-Big");
    CHECK_THAT(message_of(error), Contains("grows past what the config may hold once its ${...} "
                                           "are replaced (value not shown)"));
  }
  // Within the budget, the growth is counted.
  ExpansionBudget budget = config_expansion_budget();
  parse_config("urls:\n  t:\n    url: http://a\n    headers: {X-Big: \"${BIG}\"}\n", "sitter.yaml",
               env, budget);
  CHECK(budget.used().bytes > big.size());
}

TEST_CASE("the expanded size of a config is told in a short summary", "[config][budget]") {
  ExpansionBudget budget = config_expansion_budget();
  parse_config("urls:\n  a: {url: http://a}\n", "sitter.yaml", {}, budget);
  CHECK(budget.used().values == 7);  // the maps of the file, urls and a; three keys; one url
  CHECK(describe_expansion(budget.used()) == "expanded=" + std::to_string(budget.used().bytes) +
                                                 " bytes values=7 (at most 16 MiB and 1000000)");
}
