// The one table of per-target options: every entry is read by a reader, everything derived from it
// agrees with it, and docs/configuration.md's option table is the table.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "config/config_loader.hpp"
#include "config/discovery_policy.hpp"
#include "config/option_target.hpp"
#include "config/target_schema.hpp"
#include "temp_directory.hpp"

using namespace epsitter;

namespace {

std::string annotation_column(FromAnnotation from) {
  switch (from) {
    case FromAnnotation::by_default:
      return "by default";
    case FromAnnotation::allowed:
      return "if allowed";
    case FromAnnotation::never:
      break;
  }
  return "never";
}

// The table docs/configuration.md holds between its markers, one row per option.
std::string expected_table() {
  std::string table = "| field | from an annotation | meaning |\n|---|---|---|\n";
  for (const TargetField& field : target_schema()) {
    table += "| `" + std::string{field.name} + "` | " + annotation_column(field.annotation) +
             " | " + std::string{field.meaning} + " |\n";
  }
  return table;
}

std::string documented_table() {
  std::ifstream file{std::string{EPSITTER_SOURCE_ROOT} + "/docs/configuration.md"};
  std::stringstream text;
  text << file.rdbuf();
  const std::string all = text.str();
  const std::string begin = "<!-- target-schema:begin -->\n";
  const std::string end = "<!-- target-schema:end -->";
  const std::size_t from = all.find(begin);
  const std::size_t to = all.find(end);
  if (from == std::string::npos || to == std::string::npos) return "(no markers)";
  return all.substr(from + begin.size(), to - from - begin.size());
}

// A valid value for each option, with what it needs beside it: proof that a reader reads it.
std::map<std::string, std::string> samples(const testing::TempDirectory& dir) {
  const std::string pem = dir.write("x.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string secret = dir.write("secret", "s3cret\n");
  return {
      {"namespace", "namespace: prod"},
      {"url", "url: http://other/"},
      {"timeout", "timeout: 2"},
      {"auth_user", "auth_user: me"},
      {"auth_pass", "auth_user: me\n    auth_pass: pw"},
      {"method", "method: post"},
      {"payload", "payload: {a: b}"},
      {"headers", "headers: {X-A: b}"},
      {"json", "json: [1]"},
      {"secret_headers", "headers: {X-A: b}\n    secret_headers: [X-A]"},
      {"interval", "interval: 7"},
      {"follow_redirects", "follow_redirects: false"},
      {"keepalive", "keepalive: true"},
      {"ip_version", "ip_version: 4"},
      {"expect_status", "expect_status: 204"},
      {"expect_body", "expect_body: ok"},
      {"expect_body_absent", "expect_body_absent: error"},
      {"expect_headers", "expect_headers: {X-A: b}"},
      {"expect_json", "expect_json: {a: 1}"},
      {"max_response_time", "max_response_time: 0.5"},
      {"min_cert_days", "min_cert_days: 3"},
      {"auth_pass_file", "auth_user: me\n    auth_pass_file: " + secret},
      {"bearer_token", "bearer_token: t"},
      {"bearer_token_file", "bearer_token_file: " + secret},
      {"oauth2", "oauth2: {token_url: http://t/, client_id: c, client_secret_file: " + secret + "}"},
      {"ca_file", "ca_file: " + pem},
      {"cert_file", "cert_file: " + pem},
      {"key_file", "cert_file: " + pem + "\n    key_file: " + pem},
      {"insecure_skip_verify", "insecure_skip_verify: true"},
      {"server_name", "server_name: api.example"},
      {"proxy", "proxy: http://127.0.0.1:3128"},
      {"no_proxy", "no_proxy: [a.example]"},
      {"body_limit", "body_limit: 10"},
      {"max_body_size", "max_body_size: 10"},
      {"payload_file", "payload_file: " + secret},
      {"compression", "compression: gzip"},
      {"expect_headers_absent", "expect_headers_absent: {X-A: b}"},
      {"expect_http_version", "expect_http_version: 2"},
      {"expect_tls", "expect_tls: true"},
      {"tls_min_version", "tls_min_version: 1.2"},
      {"tls_max_version", "tls_max_version: 1.2"},
      {"http2", "http2: false"},
      {"labels", "labels: {team: sre}"},
  };
}

// A target of `fields`, at http://h/ unless they set the url.
Target target_with(const std::string& fields) {
  const std::string url = fields.rfind("url:", 0) == 0 ? "" : "    url: http://h/\n";
  return parse_config("urls:\n  t:\n" + url + "    " + fields + "\n", "sitter.yaml")
      .targets.front();
}

}  // namespace

TEST_CASE("every option of the table is read by a reader: setting it changes the target") {
  const testing::TempDirectory dir;
  const std::map<std::string, std::string> sample = samples(dir);
  const Target plain = target_with("namespace: Unknown");
  for (const TargetField& field : target_schema()) {
    INFO(field.name);
    REQUIRE(sample.count(std::string{field.name}) == 1);  // a new option needs a sample here
    CHECK(target_with(sample.at(std::string{field.name})) != plain);
  }
  CHECK(sample.size() == target_schema().size());
}

TEST_CASE("what annotations may set and what discovered targets inherit come from the table") {
  std::vector<std::string_view> settable;
  for (const TargetField& field : target_schema()) {
    if (field.annotation != FromAnnotation::never) settable.push_back(field.name);
    CHECK(inherited_by_discovery(field.name) == field.discovered_inherit);
    if (!field.alternative.empty()) {
      const TargetField* other = find_target_field(field.alternative);
      REQUIRE(other != nullptr);
      CHECK(other->alternative == field.name);
    }
  }
  CHECK(option_fields() == settable);
  for (const std::string& name : default_allowed_annotations()) {
    if (name == "path" || name == "port" || name == "scheme") continue;
    std::string field = name;
    for (char& c : field) c = c == '-' ? '_' : c;
    REQUIRE(find_target_field(field) != nullptr);
    CHECK(find_target_field(field)->annotation == FromAnnotation::by_default);
  }
  // Never an annotation's: secrets, files, the route, the target's identity.
  for (const std::string_view never : {"url", "namespace", "auth_pass", "bearer_token_file",
                                       "ca_file", "cert_file", "key_file", "proxy"}) {
    CHECK(find_target_field(never)->annotation == FromAnnotation::never);
  }
}

TEST_CASE("docs/configuration.md's option table is the table") {
  const std::string expected = expected_table();
  INFO("expected, between the markers:\n" << expected);
  CHECK(documented_table() == expected);
}
