// Unit tests for the per-target options beyond the seed format: defaults, schedule and connection,
// TLS, proxy, body_limit, expectations, labels and the histogram buckets (secrets and ${ENV}:
// test_target_secrets.cpp).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/config_loader.hpp"
#include "config_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Catch::Contains;

// --- defaults ------------------------------------------------------------------------------------

TEST_CASE("defaults apply to every target and a target's own value wins", "[config][defaults]") {
  const Config config = parse(R"(defaults:
  timeout: 3
  interval: 60
  headers: {X-Team: sre}
  expect_status: [200, 204]
urls:
  a:
    url: http://a/
  b:
    url: http://b/
    timeout: 7
    headers: {X-Other: 1}
)");
  REQUIRE(config.targets.size() == 2);
  const Target& a = config.targets[0];
  const Target& b = config.targets[1];
  CHECK(a.timeout == std::optional<std::chrono::milliseconds>{3s});
  CHECK(a.interval == std::optional<std::chrono::milliseconds>{60s});
  CHECK(a.headers == HeaderList{{"X-Team", "sre"}});
  CHECK(a.extras->expect.status == std::vector<StatusRange>{{200, 200}, {204, 204}});
  CHECK(b.timeout == std::optional<std::chrono::milliseconds>{7s});
  CHECK(b.interval == std::optional<std::chrono::milliseconds>{60s});
  CHECK(b.headers == HeaderList{{"X-Other", "1"}});  // maps are replaced, not merged
}

TEST_CASE("a target's secret file overrides a default inline secret and back",
          "[config][defaults]") {
  const testing::TempDirectory dir;
  const std::string token = dir.write("token", "from-file");
  const Config config = parse(
      "defaults:\n  bearer_token: inline\nurls:\n  a:\n    url: http://a/\n"
      "    bearer_token_file: " +
      token + "\n  b:\n    url: http://b/\n");
  CHECK(config.targets[0].extras->bearer_token == std::optional<std::string>{"from-file"});
  CHECK(config.targets[1].extras->bearer_token == std::optional<std::string>{"inline"});
}

TEST_CASE("an error in defaults names defaults.FIELD at its line", "[config][defaults]") {
  const ConfigError error = error_for("defaults:\n  timeout: soon\nurls:\n  a: {url: http://a}\n");
  CHECK(error.line() == 2);
  CHECK(error.column() == 12);
  CHECK(error.field() == "defaults.timeout");
  CHECK_THAT(message_of(error), Contains("\"soon\" is not a number of seconds"));
}

TEST_CASE("defaults reject url and unknown fields with a suggestion", "[config][defaults]") {
  CHECK_THAT(message_of(error_for("defaults:\n  url: http://x\nurls:\n  a: {url: http://a}\n")),
             Contains("sitter.yaml:2:3: defaults.url: url cannot have a default"));
  CHECK_THAT(
      message_of(error_for("defaults:\n  intervall: 5\nurls:\n  a: {url: http://a}\n")),
      Contains(R"(defaults.intervall: unknown field "intervall" (did you mean "interval"?))"));
  CHECK_THAT(message_of(error_for("defaults: [1]\nurls:\n  a: {url: http://a}\n")),
             Contains("defaults: expected a map of per-target fields"));
}

TEST_CASE("new top-level keys are known; a typo still gets a suggestion", "[config]") {
  CHECK_THAT(message_of(error_for("default:\n  timeout: 1\nurls:\n  a: {url: http://a}\n")),
             Contains(R"(unknown top-level key "default" (did you mean "defaults"?))"));
}

// --- schedule and connection --------------------------------------------------------------------

TEST_CASE("the seed defaults hold when no new option is set", "[config]") {
  const Target target = target_with("");
  CHECK_FALSE(target.interval);
  CHECK(target.follow_redirects);
  CHECK_FALSE(target.keepalive);
  CHECK(target.ip_version == 0);
  CHECK(target.body_limit == 1 << 20);
  CHECK(target.extras->expect.status == std::vector<StatusRange>{{200, 299}});
  CHECK_FALSE(target.extras->expect.needs_body());
  CHECK(target.extras->extra_labels.empty());
}

TEST_CASE("targets that set no credentials, TLS, proxy, expectations or labels share them",
          "[config]") {
  // One shared copy instead of ~600 bytes per target: 10,000 plain targets save ~6 MB.
  const Config config = parse(
      "defaults:\n  timeout: 5\n"
      "urls:\n"
      "  a:\n    url: http://h/a\n    method: post\n    payload: {x: 1}\n"
      "  b:\n    url: http://h/b\n    follow_redirects: false\n"
      "  c:\n    url: http://h/c\n    expect_status: 204\n"
      "  d:\n    url: http://h/d\n    auth_user: me\n"
      "  e:\n    url: http://h/e\n    labels: {team: sre}\n");
  REQUIRE(config.targets.size() == 5);
  const Target& a = config.targets[0];
  const Target& b = config.targets[1];
  CHECK(&*a.extras == &*b.extras);
  for (std::size_t i = 2; i < 5; ++i) {
    CAPTURE(i);
    CHECK(&*config.targets[i].extras != &*a.extras);
  }
  CHECK(config.targets[2].extras->expect.status == std::vector<StatusRange>{{204, 204}});
  CHECK(config.targets[3].extras->auth_user == std::optional<std::string>{"me"});
  CHECK_FALSE(config.targets[3].extras->auth_pass);
  CHECK(config.targets[4].extras->extra_labels == HeaderList{{"team", "sre"}});
  CHECK(a.extras->expect.status == std::vector<StatusRange>{{200, 299}});  // untouched default
}

TEST_CASE("interval, redirects, keepalive, ip_version and body_limit are read", "[config]") {
  const Target target = target_with(
      "    interval: 2.5\n    follow_redirects: no\n    keepalive: true\n    ip_version: 6\n"
      "    body_limit: 4096\n");
  CHECK(target.interval == std::optional<std::chrono::milliseconds>{2500ms});
  CHECK_FALSE(target.follow_redirects);
  CHECK(target.keepalive);
  CHECK(target.ip_version == 6);
  CHECK(target.body_limit == 4096);
  CHECK(target_with("    ip_version: any\n").ip_version == 0);
  CHECK(target_with("    ip_version: '4'\n").ip_version == 4);
}

TEST_CASE("bad connection values are rejected at their position", "[config][errors]") {
  const ConfigError interval = field_error("    interval: 0\n");
  CHECK(interval.field() == "urls.t.interval");
  CHECK(interval.line() == 4);
  CHECK_THAT(message_of(interval), Contains("at most 86400"));
  CHECK_THAT(message_of(field_error("    keepalive: maybe\n")),
             Contains(R"(urls.t.keepalive: "maybe" is not true or false)"));
  CHECK_THAT(message_of(field_error("    ip_version: 5\n")),
             Contains(R"("5" is not an IP version: expected any, 4 or 6)"));
  CHECK_THAT(message_of(field_error("    body_limit: 1MB\n")),
             Contains(R"("1MB" is not a whole number of bytes)"));
  CHECK_THAT(message_of(field_error("    body_limit: 2000000000\n")), Contains("out of range"));
}

TEST_CASE("max_body_size is read, at most body_limit", "[config]") {
  CHECK_FALSE(target_with("    body_limit: 4096\n").extras->max_body_size);
  CHECK(target_with("    max_body_size: 4096\n").extras->max_body_size ==
        std::optional<std::int64_t>{4096});
  // Up to the target's body_limit, wherever each comes from.
  const Target raised = target_with("    body_limit: 8388608\n    max_body_size: 8388608\n");
  CHECK(raised.extras->max_body_size == std::optional<std::int64_t>{8388608});
  const Config config = parse(
      "defaults:\n  max_body_size: 4194304\n"
      "urls:\n  big:\n    url: http://h/\n    body_limit: 8388608\n");
  CHECK(config.targets.front().extras->max_body_size == std::optional<std::int64_t>{4194304});
}

TEST_CASE("a bad max_body_size is rejected naming file, line, field and value",
          "[config][errors]") {
  const ConfigError over = field_error("    max_body_size: 2097152\n");
  CHECK(over.file() == "sitter.yaml");
  CHECK(over.line() == 4);
  CHECK(over.field() == "urls.t.max_body_size");
  CHECK_THAT(message_of(over),
             Contains(R"("2097152" is more than body_limit (1048576 bytes): raise body_limit)"));
  CHECK_THAT(message_of(field_error("    body_limit: 100\n    max_body_size: 101\n")),
             Contains("is more than body_limit (100 bytes)"));
  CHECK_THAT(message_of(field_error("    max_body_size: 0\n")),
             Contains(R"("0" is out of range: expected at least 1 byte)"));
  CHECK_THAT(message_of(field_error("    max_body_size: -5\n")),
             Contains(R"("-5" is not a whole number of bytes)"));
  CHECK_THAT(message_of(field_error("    max_body_size: 1MB\n")),
             Contains(R"("1MB" is not a whole number of bytes)"));
  CHECK_THAT(message_of(field_error("    max_body_size: 2000000000\n")),
             Contains("expected at most 1073741824 bytes"));
  // Inherited from defaults:, the error names where it was written.
  const ConfigError inherited =
      error_for("defaults:\n  max_body_size: 2097152\nurls:\n  t:\n    url: http://h/\n");
  CHECK(inherited.field() == "defaults.max_body_size");
  CHECK(inherited.line() == 2);
}

TEST_CASE("proxy must be a proxy URL and no_proxy may be a list", "[config]") {
  const Target target =
      target_with("    proxy: http://proxy:3128\n    no_proxy: [internal.example, 10.0.0.1]\n");
  CHECK(target.extras->proxy == std::optional<std::string>{"http://proxy:3128"});
  CHECK(target.extras->no_proxy == std::optional<std::string>{"internal.example,10.0.0.1"});
  CHECK(target_with("    no_proxy: a,b\n").extras->no_proxy == std::optional<std::string>{"a,b"});
  CHECK(target_with("    proxy: socks5h://p:1080\n").extras->proxy ==
        std::optional<std::string>{"socks5h://p:1080"});
  const ConfigError error = field_error("    proxy: ftp://u:pw@p/\n");
  CHECK(error.field() == "urls.t.proxy");
  CHECK_THAT(message_of(error), Contains("uses scheme \"ftp\""));
  CHECK(message_of(error).find("pw") == std::string::npos);
}

// --- TLS
// ------------------------------------------------------------------------------------------

TEST_CASE("TLS files must exist and be readable; paths are relative to the config",
          "[config][tls]") {
  const testing::TempDirectory dir;
  const std::string ca = dir.write("ca.pem", "not checked for content here");
  dir.write("client.pem", "x");
  dir.write("client.key", "y");
  const std::string config = dir.write("sitter.yaml", R"(urls:
  t:
    url: https://h/
    ca_file: )" + ca + R"(
    cert_file: client.pem
    key_file: client.key
    insecure_skip_verify: yes
    server_name: api.example.test
)");
  const Target target = load_config_file(config).targets.front();
  CHECK(target.extras->ca_file == std::optional<std::string>{ca});
  CHECK(target.extras->cert_file ==
        std::optional<std::string>{(dir.path() / "client.pem").string()});
  CHECK(target.extras->key_file ==
        std::optional<std::string>{(dir.path() / "client.key").string()});
  CHECK(target.insecure_skip_verify);
  CHECK(target.extras->server_name == std::optional<std::string>{"api.example.test"});

  const ConfigError missing = field_error("    ca_file: /nonexistent/ca.pem\n");
  CHECK(missing.field() == "urls.t.ca_file");
  CHECK(missing.line() == 4);
  CHECK_THAT(message_of(missing),
             Contains(R"(cannot read file "/nonexistent/ca.pem": No such file or directory)"));
  CHECK_THAT(message_of(field_error("    key_file: " + ca + "\n")),
             Contains("key_file is set but cert_file is not"));
  CHECK_THAT(message_of(field_error("    server_name: 'a b'\n")),
             Contains(R"("a b" is not a host name)"));
}

// --- expectations
// ---------------------------------------------------------------------------------

TEST_CASE("expect_status takes a code, a class or a list of both", "[config][expect]") {
  CHECK(target_with("    expect_status: 204\n").extras->expect.status ==
        std::vector<StatusRange>{{204, 204}});
  CHECK(target_with("    expect_status: [\"2xx\", 301, 3XX]\n").extras->expect.status ==
        std::vector<StatusRange>{{200, 299}, {301, 301}, {300, 399}});
  const ConfigError error = field_error("    expect_status: [200, 6xx]\n");
  CHECK(error.field() == "urls.t.expect_status[1]");
  CHECK(error.line() == 4);
  CHECK(error.column() == 26);
  CHECK_THAT(message_of(error), Contains(R"("6xx" is not a status code (100 to 599) or class)"));
  CHECK_THAT(message_of(field_error("    expect_status: 99\n")), Contains("\"99\" is not"));
  CHECK_THAT(message_of(field_error("    expect_status: []\n")), Contains("non-empty list"));
}

TEST_CASE("regular expressions are compiled at load and a bad one is a config error",
          "[config][expect]") {
  const Target target = target_with(
      "    expect_body: '\"status\": *\"UP\"'\n    expect_body_absent: (?i)error\n"
      "    expect_headers: {Content-Type: ^application/json}\n");
  REQUIRE(target.extras->expect.body);
  CHECK(target.extras->expect.body->text == "\"status\": *\"UP\"");
  CHECK(target.extras->expect.body->regex);
  REQUIRE(target.extras->expect.body_absent);
  REQUIRE(target.extras->expect.headers.size() == 1);
  CHECK(target.extras->expect.headers[0].name == "Content-Type");
  CHECK(target.extras->expect.needs_body());
  CHECK(target.extras->expect.needs_headers());

  const ConfigError error = field_error("    expect_body: 'ok(('\n");
  CHECK(error.field() == "urls.t.expect_body");
  CHECK(error.line() == 4);
  CHECK(error.column() == 18);
  CHECK_THAT(message_of(error),
             Contains(R"("ok((" is not a valid regular expression (RE2 syntax): )"));
  const ConfigError header = field_error("    expect_headers: {X-A: '[z-a]'}\n");
  CHECK(header.field() == "urls.t.expect_headers.X-A");
  CHECK_THAT(message_of(header), Contains("not a valid regular expression"));
}

TEST_CASE("expect_json values are typed as YAML types them", "[config][expect]") {
  const Target target = target_with(
      "    expect_json:\n      status: UP\n      checks.0.state: ok\n      count: 3\n"
      "      healthy: true\n      version: \"2\"\n      nothing: null\n");
  const auto& json = target.extras->expect.json;
  REQUIRE(json.size() == 6);
  CHECK(json[0].path == "status");
  CHECK(json[0].expected_json == "\"UP\"");
  CHECK(json[1].segments == std::vector<std::string>{"checks", "0", "state"});
  CHECK(json[2].expected_json == "3");
  CHECK(json[3].expected_json == "true");
  CHECK(json[4].expected_json == "\"2\"");
  CHECK(json[5].expected_json == "null");
  const ConfigError error = field_error("    expect_json: {a..b: 1}\n");
  CHECK(error.field() == "urls.t.expect_json.a..b");
  CHECK_THAT(message_of(error), Contains("is not a dotted path: the path has an empty segment"));
}

TEST_CASE("max_response_time and min_cert_days are read and bounded", "[config][expect]") {
  const Target target = target_with("    max_response_time: 0.5\n    min_cert_days: 14\n");
  CHECK(target.extras->expect.max_response_time == std::optional<std::chrono::milliseconds>{500ms});
  CHECK(target.extras->expect.min_cert_days == std::optional<double>{14});
  CHECK_THAT(message_of(field_error("    min_cert_days: -1\n")), Contains("out of range"));
  CHECK_THAT(message_of(field_error("    max_response_time: fast\n")),
             Contains("is not a number of seconds"));
}

TEST_CASE("targets that differ only in an expectation are not equal (a reload restarts them)",
          "[config][expect]") {
  CHECK(target_with("    expect_body: a\n") == target_with("    expect_body: a\n"));
  CHECK(target_with("    expect_body: a\n") != target_with("    expect_body: b\n"));
  CHECK(target_with("    labels: {team: a}\n") != target_with("    labels: {team: b}\n"));
}

// --- labels and buckets
// ---------------------------------------------------------------------------

TEST_CASE("labels are sorted by name; invalid and reserved names are rejected",
          "[config][labels]") {
  const Target target = target_with("    labels: {tier: \"1\", team: sre}\n");
  CHECK(target.extras->extra_labels == HeaderList{{"team", "sre"}, {"tier", "1"}});
  const ConfigError reserved = field_error("    labels: {namespace: x}\n");
  CHECK(reserved.field() == "urls.t.labels.namespace");
  CHECK_THAT(message_of(reserved), Contains(R"("namespace" is reserved)"));
  CHECK_THAT(message_of(field_error("    labels: {url: x}\n")), Contains("is reserved"));
  CHECK_THAT(message_of(field_error("    labels: {\"my-team\": x}\n")),
             Contains(R"("my-team" is not a Prometheus label name)"));
  CHECK_THAT(message_of(field_error("    labels: {__x: y}\n")), Contains("not starting with"));
  CHECK_THAT(message_of(field_error("    labels: [a]\n")), Contains("expected a map of label"));
}

TEST_CASE("request_duration_buckets overrides the default buckets", "[config][buckets]") {
  CHECK(parse("urls:\n  a: {url: http://a}\n").duration_buckets == kDefaultDurationBuckets);
  CHECK(kDefaultDurationBuckets.front() == 0.005);
  CHECK(kDefaultDurationBuckets.back() == 30);
  CHECK(parse("request_duration_buckets: [0.1, 1, 10]\nurls:\n  a: {url: http://a}\n")
            .duration_buckets == std::vector<double>{0.1, 1, 10});
  const ConfigError error =
      error_for("request_duration_buckets: [0.1, 0.1]\nurls:\n  a: {url: http://a}\n");
  CHECK(error.field() == "request_duration_buckets[1]");
  CHECK_THAT(message_of(error), Contains("must increase"));
  CHECK_THAT(message_of(error_for("request_duration_buckets: [0]\nurls:\n  a: {url: http://a}\n")),
             Contains("greater than 0"));
  CHECK_THAT(message_of(error_for("request_duration_buckets: 1\nurls:\n  a: {url: http://a}\n")),
             Contains("expected a list of 1 to 64 bucket bounds"));
}
