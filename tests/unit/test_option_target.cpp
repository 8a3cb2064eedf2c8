// Unit tests for targets built from options (annotations): the config's readers and their errors,
// `defaults:` underneath, and what an option may not set.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config/discovery_policy.hpp"
#include "config/option_target.hpp"
#include "config_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using epsitter::testing::check_identity;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

Target build(const std::vector<TargetOption>& options, const detail::Fields& base = {}) {
  return target_from_options("shop/web", "shop", "http://web.shop.svc:8080/healthz", options, base,
                             "Service shop/web");
}

std::string error_for(const std::vector<TargetOption>& options, const detail::Fields& base = {}) {
  try {
    build(options, base);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

TargetOption option(const std::string& field, const std::string& text) {
  std::string annotation = field;
  for (char& c : annotation) c = c == '_' ? '-' : c;
  return {field, "epsitter.io/" + annotation, text};
}

}  // namespace

TEST_CASE("no options make a plain GET target in the object's namespace", "[options]") {
  const Target target = build({});
  check_identity(target, "shop/web", "shop", "get", "http://web.shop.svc:8080/healthz");
  CHECK_FALSE(target.interval);
}

TEST_CASE("payload and json options mean what they mean in the file", "[options]") {
  const Target form = build({option("method", "post"), option("payload", "{a: b c, n: [1, 2]}")});
  CHECK(form.body == std::optional<std::string>{"a=b+c&n=1&n=2"});
  CHECK(form.labels.method == "post");
  const Target json = build({option("method", "PUT"), option("json", R"({"a": [1, true]})")});
  CHECK(json.body == std::optional<std::string>{R"({"a":[1,true]})"});
  CHECK(json.headers.back() ==
        std::pair<std::string, std::string>{"Content-Type", "application/json"});
  CHECK_THROWS_WITH(build({option("payload", "{a: {b: 1}}")}),
                    Catch::Contains("use json: instead of payload:"));
}

TEST_CASE("options are read as the config reads the same fields", "[options]") {
  const Target target =
      build({option("interval", "15"), option("timeout", "2.5"), option("method", "head"),
             option("expect_status", "[200, \"3xx\"]"), option("expect_body", "[a-z]+ ok"),
             option("expect_json", R"({"status": "UP", "count": 3})"),
             option("headers", R"({"X-Probe": "epsitter"})"), option("labels", "{team: sre}"),
             option("follow_redirects", "false"), option("max_response_time", "0.5"),
             option("min_cert_days", "14")});
  CHECK(target.interval == 15s);
  CHECK(target.timeout == 2500ms);
  CHECK(target.labels.method == "head");
  CHECK(target.method == "HEAD");
  REQUIRE(target.extras->expect.status.size() == 2);
  CHECK(target.extras->expect.status[0].low == 200);
  CHECK(target.extras->expect.status[1].low == 300);
  CHECK(target.extras->expect.status[1].high == 399);
  REQUIRE(target.extras->expect.body);  // a regular expression stays text, not a YAML list
  REQUIRE(target.extras->expect.json.size() == 2);
  CHECK(target.extras->expect.json[1].expected_json == "3");
  CHECK(target.headers == HeaderList{{"X-Probe", "epsitter"}});
  CHECK(target.extras->extra_labels == HeaderList{{"team", "sre"}});
  CHECK_FALSE(target.follow_redirects);
  CHECK(target.extras->expect.max_response_time == 500ms);
}

TEST_CASE("a bad option is an error that names the object and the annotation", "[options]") {
  CHECK(error_for({option("interval", "soon")}) ==
        "Service shop/web: epsitter.io/interval: \"soon\" is not a number of seconds");
  CHECK_THAT(error_for({option("expect_status", "[200, 999]")}),
             Contains("Service shop/web:1:7: epsitter.io/expect-status[1]: \"999\" is not a "
                      "status code"));
  CHECK_THAT(error_for({option("expect_json", "{unclosed")}),
             Contains("epsitter.io/expect-json: invalid YAML (or JSON)"));
  CHECK_THAT(error_for({option("expect_body", "(")}),
             Contains("is not a valid regular expression"));
  CHECK_THAT(error_for({option("labels", "{name: x}")}), Contains("\"name\" is reserved"));
}

TEST_CASE("options cannot set secrets, files, the URL or the namespace", "[options]") {
  for (const std::string field :
       {"bearer_token_file", "auth_pass_file", "ca_file", "cert_file", "key_file", "bearer_token",
        "auth_pass", "auth_user", "url", "namespace", "proxy"}) {
    CHECK_THAT(error_for({option(field, "/var/run/secrets/kubernetes.io/serviceaccount/token")}),
               Contains("cannot be set here"));
  }
}

TEST_CASE("${VAR} in an option never reads epsitter's environment", "[options]") {
  CHECK_THAT(error_for({option("headers", R"({"X-Leak": "${HOME}"})")}), Contains("HOME"));
}

TEST_CASE("a profile and the file's harmless defaults apply under the options, which win",
          "[options]") {
  testing::TempDirectory dir;
  dir.write("token", "s3cret\n");
  const std::string yaml =
      "kubernetes: {api_url: 'http://127.0.0.1:1'}\n"
      "defaults:\n"
      "  interval: 20\n"
      "  namespace: ignored\n"
      "  bearer_token: from-defaults\n"
      "  headers: {X-Api-Key: from-defaults}\n"
      "  method: put\n"
      "  labels: {team: platform}\n"
      "profiles:\n"
      "  internal:\n"
      "    bearer_token_file: token\n"
      "    timeout: 3\n";
  const Config config = parse_config(yaml, (dir.path() / "sitter.yaml").string());
  REQUIRE(config.discovery);
  const std::optional<detail::Fields> none = config.discovery->base_fields("");
  REQUIRE(none);
  const Target plain = build({}, *none);
  CHECK(plain.interval == std::chrono::milliseconds(20'000));
  CHECK(plain.extras->extra_labels == HeaderList{{"team", "platform"}});
  CHECK(plain.labels.namespace_ == "shop");  // the object's namespace, whatever defaults say
  // Credentials, headers and the method of `defaults:` never reach a discovered target.
  CHECK_FALSE(plain.extras->bearer_token);
  CHECK(plain.headers.empty());
  CHECK(plain.method == "GET");

  const std::optional<detail::Fields> internal = config.discovery->base_fields("internal");
  REQUIRE(internal);
  const Target profiled = build({}, *internal);
  CHECK(profiled.extras->bearer_token == "s3cret");  // a file the config's author named
  CHECK(profiled.timeout == 3s);
  CHECK(profiled.interval == std::chrono::milliseconds(20'000));
  CHECK_FALSE(config.discovery->base_fields("missing"));

  const Target own = build({option("interval", "5"), option("labels", "{tier: '1'}")}, *none);
  CHECK(own.interval == 5s);
  CHECK(own.extras->extra_labels == HeaderList{{"tier", "1"}});  // a map replaces the default map
}

TEST_CASE("an option's value is bounded once its aliases are expanded", "[options]") {
  // 1,000 values at 10 bytes each: within 64 KiB, past the 10,000 values of an annotation.
  std::string many = "{a: &a [0,1,2,3,4,5,6,7,8,9], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a],";
  many += " c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]}";
  CHECK_THAT(error_for({option("method", "POST"), option("payload", many)}),
             Contains("epsitter.io/payload.d[") &&
                 Contains("the annotation's value grows past 10000 values here once expanded"));
  CHECK_THAT(error_for({option("expect_body", std::string(70'000, 'x'))}),
             Contains("grows past 64 KiB of text"));
  // A recursive alias is refused, not followed.
  CHECK_THAT(error_for({option("expect_json", "&a [*a]")}),
             Contains("has an alias (*name) inside the node it refers to"));
  // What fits is read as before.
  CHECK(build({option("method", "POST"), option("json", "{a: &a [1, 2], b: *a}")}).body ==
        std::optional<std::string>{R"({"a":[1,2],"b":[1,2]})"});
}

TEST_CASE("expect_json operators parse from an annotation and are bounded there", "[options]") {
  const Target target = build({option(
      "expect_json", R"({status: {in: [UP, OK]}, items.*.ms: {lt: 500}, v: {matches: "^1\\."}})")});
  REQUIRE(target.extras->expect.json.size() == 3);
  CHECK(target.extras->expect.json[0].op == JsonOperator::in);
  CHECK(target.extras->expect.json[1].every == std::vector<bool>{false, true, false});
  CHECK(target.extras->expect.json[2].pattern);
  CHECK_THAT(error_for({option("expect_json", "{n: {gte: 1}}")}),
             Contains("Service shop/web:1:6: epsitter.io/expect-json.n.gte: \"gte\" of \"n\" is "
                      "not an operator (did you mean \"gt\"?)"));
  std::string list = "[0";
  for (int i = 1; i <= 1000; ++i) list += "," + std::to_string(i);
  CHECK_THAT(error_for({option("expect_json", "{n: {in: " + list + "]}}")}),
             Contains("takes a list of 1 to 1000 values, got a list of 1001"));
}
