// Unit tests for the per-target options that carry secrets (auth_pass_file, bearer_token_file, ...)
// and for ${ENV} in a target's values.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "config/file_text.hpp"
#include "config/referenced_files.hpp"
#include "config_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Catch::Contains;

// --- secrets and ${ENV}
// ---------------------------------------------------------------------------

TEST_CASE("${VAR} is expanded in string values from the injected environment", "[config][env]") {
  const EnvLookup env =
      fake_env({{"API_HOST", "api.internal"}, {"PASS", "s3cr3t"}, {"TEAM", "sre"}, {"N", "3"}});
  const Target target = target_with(
      "    namespace: ${TEAM}\n    auth_user: me\n    auth_pass: ${PASS}\n"
      "    headers: {X-Team: \"${TEAM}\"}\n    method: POST\n    json:\n      n: ${N}\n"
      "      s: \"${N}\"\n",
      env);
  CHECK(target.labels.namespace_ == "sre");
  CHECK(target.extras->auth_pass == std::optional<std::string>{"s3cr3t"});
  CHECK(target.headers.front() == std::pair<std::string, std::string>{"X-Team", "sre"});
  CHECK(target.body == std::optional<std::string>{R"({"n":3,"s":"3"})"});
  const Config config = parse("urls:\n  t:\n    url: https://${API_HOST}:8443/x\n", env);
  CHECK(config.targets.front().url == "https://api.internal:8443/x");
  CHECK(config.targets.front().labels.url == "https://api.internal:8443/x");
}

TEST_CASE("a missing variable is a config error naming it, never the value", "[config][env]") {
  const ConfigError error = field_error("    auth_user: me\n    auth_pass: hunter2${NOPE}\n");
  CHECK(error.field() == "urls.t.auth_pass");
  CHECK(error.line() == 5);
  CHECK(error.column() == 16);
  CHECK_THAT(message_of(error),
             Contains("uses ${NOPE}, but the environment variable NOPE is not set"));
  CHECK(message_of(error).find("hunter2") == std::string::npos);
  CHECK(target_with("    headers: {X-A: \"$${NOT_EXPANDED}\"}\n").headers.front().second ==
        "${NOT_EXPANDED}");
}

TEST_CASE("secret files are read at load, one trailing newline dropped, and re-read",
          "[config][secrets]") {
  const testing::TempDirectory dir;
  const std::string password = dir.write("password", "p4ss\n");
  const std::string token = dir.write("token", "t0ken\r\n");
  const std::string yaml =
      "urls:\n  basic:\n    url: http://h/\n    auth_user: me\n"
      "    auth_pass_file: " +
      password +
      "\n"
      "  bearer:\n    url: http://h/\n    bearer_token_file: " +
      token + "\n";
  Config config = parse(yaml);
  CHECK(config.targets[0].extras->auth_pass == std::optional<std::string>{"p4ss"});
  CHECK(config.targets[1].extras->bearer_token == std::optional<std::string>{"t0ken"});
  dir.write("password", "rotated");
  config = parse(yaml);
  CHECK(config.targets[0].extras->auth_pass == std::optional<std::string>{"rotated"});
  CHECK(target_with("    bearer_token: abc\n").extras->bearer_token ==
        std::optional<std::string>{"abc"});
}

TEST_CASE("the files the targets read are listed for the watcher, secrets with what was read",
          "[config][secrets]") {
  const testing::TempDirectory dir;
  const std::string password = dir.write("password", "p4ss\n");
  const std::string token = dir.write("token", "t0ken");
  const std::string ca = dir.write("ca.pem", "not read at load");
  const Config config = parse(
      "urls:\n"
      "  basic:\n    url: https://h/\n    auth_user: me\n    auth_pass_file: " +
      password +
      "\n"
      "    ca_file: " +
      ca +
      "\n"
      "  bearer:\n    url: https://h/\n    bearer_token_file: " +
      token +
      "\n"
      "    ca_file: " +
      ca +
      "\n"
      "  plain:\n    url: http://h/\n");
  const std::vector<ReferencedFile> expected{
      {ca, std::nullopt},                          // libcurl reads it for each probe
      {password, detail::content_hash("p4ss\n")},  // the bytes as read, newline included
      {token, detail::content_hash("t0ken")},
  };
  CHECK(referenced_files(config) == expected);
  CHECK(referenced_files(parse("urls:\n  plain:\n    url: http://h/\n")).empty());
}

TEST_CASE("secrets conflict and missing files are errors that never show the secret",
          "[config][secrets]") {
  const testing::TempDirectory dir;
  const std::string token = dir.write("token", "t0ken");
  const ConfigError both =
      field_error("    bearer_token: abc\n    bearer_token_file: " + token + "\n");
  CHECK(both.field() == "urls.t.bearer_token_file");
  CHECK_THAT(message_of(both), Contains("set either bearer_token or bearer_token_file, not both"));
  CHECK_THAT(message_of(field_error("    auth_pass_file: " + token + "\n")),
             Contains("auth_pass_file is set but auth_user is not"));
  CHECK_THAT(message_of(field_error("    auth_user: u\n    bearer_token: abc\n")),
             Contains("either basic auth (auth_user) or a bearer token"));
  CHECK_THAT(message_of(field_error("    bearer_token: abc\n    headers: {authorization: x}\n")),
             Contains("a bearer token and an Authorization header cannot both be set"));
  const ConfigError missing = field_error("    bearer_token_file: /nonexistent/token\n");
  CHECK(missing.field() == "urls.t.bearer_token_file");
  CHECK_THAT(message_of(missing), Contains("cannot read file \"/nonexistent/token\""));
  const std::string bad = dir.write("bad", "line1\nline2");
  const ConfigError injected = field_error("    bearer_token_file: " + bad + "\n");
  CHECK_THAT(message_of(injected), Contains("line break or control character"));
  CHECK(message_of(injected).find("line1") == std::string::npos);
}
