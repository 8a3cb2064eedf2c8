// Unit tests for turning annotated Services and Ingresses into targets: URLs, names, options,
// and bad annotations or malformed objects skipped with a message.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "discovery/object_policy.hpp"
#include "discovery/object_targets.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Catch::Contains;
using nlohmann::json;

namespace {

json service(const json& annotations,
             const json& ports = json::array({{{"name", "http"}, {"port", 8080}}})) {
  return {{"metadata",
           {{"name", "web"},
            {"namespace", "shop"},
            {"resourceVersion", "7"},
            {"annotations", annotations}}},
          {"spec", {{"ports", ports}}}};
}

json ingress(const json& annotations, const json& spec) {
  return {{"metadata", {{"name", "front"}, {"namespace", "shop"}, {"annotations", annotations}}},
          {"spec", spec}};
}

const json kProbe = {{"epsitter.io/probe", "true"}};

// Rules that let every annotation, host and kind of Service through: what translation does.
const DiscoveryPolicy& open_policy() {
  static const DiscoveryPolicy kOpen = [] {
    DiscoveryRules rules;
    rules.allowed_annotations = allowlistable_annotations();
    rules.allowed_hosts = {"*"};
    rules.allow_external_name = true;
    rules.allow_selectorless = true;
    return DiscoveryPolicy{rules, nullptr, {}};
  }();
  return kOpen;
}

json with(json annotations, const std::string& name, const std::string& value) {
  annotations["epsitter.io/" + name] = value;
  return annotations;
}

Target only_target(const ObjectTargets& result) {
  INFO(result.error);
  REQUIRE(result.error.empty());
  REQUIRE(result.targets.size() == 1);
  return result.targets.front();
}

}  // namespace

TEST_CASE("an annotated Service becomes NAMESPACE/NAME on its first port", "[objects]") {
  const ObjectTargets result = targets_of(ObjectKind::service, service(kProbe), open_policy());
  CHECK(result.probed);
  const Target target = only_target(result);
  CHECK(target.labels.name == "shop/web");
  CHECK(target.labels.namespace_ == "shop");
  CHECK(target.url == "http://web.shop.svc:8080/");
  CHECK(target.source == "service");
}

TEST_CASE("path, port, scheme and options come from annotations", "[objects]") {
  json annotations = with(kProbe, "path", "/healthz?full=1");
  annotations = with(annotations, "port", "admin");
  annotations = with(annotations, "interval", "10");
  annotations = with(annotations, "expect-status", "[200, 204]");
  const json ports =
      json::array({{{"name", "http"}, {"port", 80}}, {{"name", "admin"}, {"port", 9000}}});
  const Target target =
      only_target(targets_of(ObjectKind::service, service(annotations, ports), open_policy()));
  CHECK(target.url == "http://web.shop.svc:9000/healthz?full=1");
  CHECK(target.interval == 10s);
  CHECK(target.extras->expect.status.size() == 2);

  const Target numbered = only_target(
      targets_of(ObjectKind::service,
                 service(with(with(kProbe, "port", "8443"), "scheme", "https")), open_policy()));
  CHECK(numbered.url == "https://web.shop.svc:8443/");
}

TEST_CASE("a port named or declared https, or 443, is probed over https", "[objects]") {
  const auto url_of = [](const json& port) {
    return only_target(
               targets_of(ObjectKind::service, service(kProbe, json::array({port})), open_policy()))
        .url;
  };
  CHECK(url_of({{"name", "https"}, {"port", 8443}}) == "https://web.shop.svc:8443/");
  CHECK(url_of({{"port", 9443}, {"appProtocol", "https"}}) == "https://web.shop.svc:9443/");
  CHECK(url_of({{"port", 443}}) == "https://web.shop.svc:443/");
  CHECK(url_of({{"name", "web"}, {"port", 80}}) == "http://web.shop.svc:80/");
}

TEST_CASE("objects without probe: true are not targets, and say nothing", "[objects]") {
  for (const json& annotations :
       {json::object(), json{{"epsitter.io/probe", "false"}}, json{{"other.io/probe", "true"}}}) {
    const ObjectTargets result =
        targets_of(ObjectKind::service, service(annotations), open_policy());
    CHECK_FALSE(result.probed);
    CHECK(result.targets.empty());
    CHECK(result.error.empty());
  }
  json bare = service(kProbe);
  bare["metadata"].erase("annotations");
  CHECK(targets_of(ObjectKind::service, bare, open_policy()).targets.empty());
}

TEST_CASE("a bad annotation skips the object with a message naming it", "[objects]") {
  const auto error_of = [](const json& object) {
    const ObjectTargets result = targets_of(ObjectKind::service, object, open_policy());
    CHECK(result.targets.empty());
    CHECK(result.probed);
    return result.error;
  };
  CHECK(error_of(service(with(kProbe, "interval", "soon"))) ==
        "Service shop/web: epsitter.io/interval: \"soon\" is not a number of seconds");
  CHECK(error_of(service(with(kProbe, "intervall", "5"))) ==
        "Service shop/web: unknown annotation \"epsitter.io/intervall\" (did you mean "
        "\"interval\"?)");
  CHECK_THAT(error_of(service(with(kProbe, "expect_status", "200"))),
             Contains("unknown annotation \"epsitter.io/expect_status\""));
  CHECK_THAT(error_of(service(with(kProbe, "port", "metrics"))),
             Contains("epsitter.io/port: \"metrics\" is neither a port number"));
  CHECK_THAT(error_of(service(with(kProbe, "port", "70000"))), Contains("epsitter.io/port"));
  CHECK_THAT(error_of(service(with(kProbe, "scheme", "ftp"))),
             Contains("epsitter.io/scheme: \"ftp\" is not http or https"));
  CHECK_THAT(error_of(service(with(kProbe, "path", "healthz"))),
             Contains("epsitter.io/path: \"healthz\" does not start with /"));
  CHECK_THAT(error_of(service(with(kProbe, "path", "/a b"))), Contains("is not a URL path"));
  CHECK_THAT(error_of(service({{"epsitter.io/probe", "yes please"}})),
             Contains("epsitter.io/probe: \"yes please\" is not true or false"));
  CHECK_THAT(error_of(service({{"epsitter.io/probe", true}})),
             Contains("epsitter.io/probe: expected a text value, got boolean"));
  CHECK_THAT(error_of(service(with(kProbe, "bearer-token-file", "/etc/shadow"))),
             Contains("unknown annotation \"epsitter.io/bearer-token-file\""));
}

TEST_CASE("a malformed object is skipped with a message", "[objects]") {
  json nameless = service(kProbe);
  nameless["metadata"].erase("name");
  CHECK_THAT(targets_of(ObjectKind::service, nameless, open_policy()).error,
             Contains("Service without metadata.name or metadata.namespace"));
  CHECK_THAT(targets_of(ObjectKind::service, service(kProbe, json::array()), open_policy()).error,
             Contains("Service shop/web: has no ports: set epsitter.io/port"));
  CHECK_THAT(targets_of(ObjectKind::service, service(kProbe, "80"), open_policy()).error,
             Contains("has no ports"));
  CHECK_THAT(targets_of(ObjectKind::service, service(kProbe, json::array({{{"port", "eighty"}}})),
                        open_policy())
                 .error,
             Contains("malformed object: spec.ports"));
  CHECK(targets_of(ObjectKind::service, json::array(), open_policy()).targets.empty());
}

TEST_CASE("an Ingress becomes one target per host and path, https where TLS covers the host",
          "[objects]") {
  const json spec = {
      {"tls", json::array({{{"hosts", json::array({"shop.example.com"})}}})},
      {"rules",
       json::array({{{"host", "shop.example.com"},
                     {"http", {{"paths", json::array({{{"path", "/"}}, {{"path", "/api"}}})}}}},
                    {{"host", "*.wild.example.com"}},
                    {{"host", "plain.example.com"}},
                    {{"http", {{"paths", json::array({{{"path", "/nohost"}}})}}}}})}};
  const ObjectTargets result =
      targets_of(ObjectKind::ingress, ingress(kProbe, spec), open_policy());
  REQUIRE(result.error.empty());
  REQUIRE(result.targets.size() == 3);
  CHECK(result.targets[0].labels.name == "shop/front/shop.example.com/");
  CHECK(result.targets[0].url == "https://shop.example.com/");
  CHECK(result.targets[1].url == "https://shop.example.com/api");
  CHECK(result.targets[2].labels.name == "shop/front/plain.example.com/");
  CHECK(result.targets[2].url == "http://plain.example.com/");
  CHECK(result.targets[2].source == "ingress");

  // An annotated path replaces the rule's paths: one target per host.
  const ObjectTargets health = targets_of(
      ObjectKind::ingress, ingress(with(kProbe, "path", "/healthz"), spec), open_policy());
  REQUIRE(health.targets.size() == 2);
  CHECK(health.targets[0].url == "https://shop.example.com/healthz");

  CHECK_THAT(
      targets_of(ObjectKind::ingress,
                 ingress(kProbe, {{"rules", json::array({{{"host", "*.x.com"}}})}}), open_policy())
          .error,
      Contains("Ingress shop/front: has no rule with a host name"));
}

TEST_CASE("trimming keeps what makes targets and drops unannotated objects", "[objects]") {
  json whole = service(with(kProbe, "path", "/x"));
  whole["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{...}";
  whole["metadata"]["labels"] = {{"app", "web"}};
  whole["status"] = {{"loadBalancer", json::object()}};
  const auto trimmed = trim_object(ObjectKind::service, whole);
  REQUIRE(trimmed);
  CHECK(*trimmed ==
        json{{"metadata",
              {{"name", "web"},
               {"namespace", "shop"},
               {"annotations", {{"epsitter.io/probe", "true"}, {"epsitter.io/path", "/x"}}}}},
             {"spec", {{"ports", whole["spec"]["ports"]}}}});
  CHECK(targets_of(ObjectKind::service, *trimmed, open_policy()).targets.front().url ==
        "http://web.shop.svc:8080/x");
  CHECK_FALSE(trim_object(ObjectKind::service, service(json::object())));
}

// --- The admin's rules ----------------------------------------------------------------------

namespace {

json selected(json object) {
  object["spec"]["selector"] = {{"app", "web"}};
  return object;
}

ObjectTargets under_default_rules(ObjectKind kind, const json& object) {
  static const DiscoveryPolicy kDefault{DiscoveryRules{}, nullptr, {}};
  return targets_of(kind, object, kDefault);
}

}  // namespace

TEST_CASE("by default a Service with a selector is probed on its own cluster name", "[policy]") {
  const ObjectTargets result = under_default_rules(
      ObjectKind::service, selected(service(with(with(kProbe, "path", "/h"), "interval", "10"))));
  CHECK(only_target(result).url == "http://web.shop.svc:8080/h");
  CHECK_FALSE(result.refused);
}

TEST_CASE("by default annotations that shape the request are refused", "[policy]") {
  for (const std::string name :
       {"method", "headers", "payload", "json", "body-limit", "insecure-skip-verify", "server-name",
        "timeout", "labels", "expect-headers", "follow-redirects"}) {
    const ObjectTargets result =
        under_default_rules(ObjectKind::service, selected(service(with(kProbe, name, "1"))));
    INFO(name);
    CHECK(result.refused);
    CHECK(result.targets.empty());
    CHECK_THAT(result.error,
               Contains("epsitter.io/" + name + " is not in kubernetes.allowed_annotations"));
  }
}

TEST_CASE("ExternalName and selector-less Services are refused unless allowed", "[policy]") {
  json external = service(kProbe);
  external["spec"]["type"] = "ExternalName";
  external["spec"]["externalName"] = "attacker.example";
  const ObjectTargets named = under_default_rules(ObjectKind::service, external);
  CHECK(named.refused);
  CHECK_THAT(named.error, Contains("allow_external_name"));
  const ObjectTargets bare = under_default_rules(ObjectKind::service, service(kProbe));
  CHECK(bare.refused);
  CHECK_THAT(bare.error, Contains("allow_selectorless"));

  DiscoveryRules rules;
  rules.allow_external_name = true;
  rules.allow_selectorless = true;
  const DiscoveryPolicy allowing{rules, nullptr, {}};
  CHECK(targets_of(ObjectKind::service, external, allowing).targets.size() == 1);
  CHECK(targets_of(ObjectKind::service, service(kProbe), allowing).targets.size() == 1);
}

TEST_CASE("an Ingress host must match an allowed pattern, and its port be allowed", "[policy]") {
  const json spec = {{"rules", json::array({{{"host", "api.shop.example"}}})}};
  const ObjectTargets refused = under_default_rules(ObjectKind::ingress, ingress(kProbe, spec));
  CHECK(refused.refused);
  CHECK_THAT(refused.error, Contains("host \"api.shop.example\" matches no pattern of "
                                     "kubernetes.allowed_hosts (none)"));

  DiscoveryRules rules;
  rules.allowed_hosts = {"*.shop.example"};
  rules.allowed_ports = {443};
  rules.allowed_annotations.push_back("port");
  const DiscoveryPolicy shop{rules, nullptr, {}};
  CHECK_THAT(targets_of(ObjectKind::ingress, ingress(kProbe, spec), shop).error,
             Contains("port 80 is not in kubernetes.allowed_ports (443)"));
  CHECK(targets_of(ObjectKind::ingress, ingress(with(kProbe, "scheme", "https"), spec), shop)
            .targets.size() == 1);
  const json other = {{"rules", json::array({{{"host", "bank.example"}}})}};
  CHECK(targets_of(ObjectKind::ingress, ingress(with(kProbe, "scheme", "https"), other), shop)
            .refused);
}

TEST_CASE("caps: targets per object, annotation size, interval floor", "[policy]") {
  DiscoveryRules rules;
  rules.allowed_hosts = {"*"};
  rules.max_targets_per_object = 2;
  rules.max_annotation_bytes = 32;
  const DiscoveryPolicy capped{rules, nullptr, {}};
  json paths = json::array();
  for (int i = 0; i < 60; ++i) paths.push_back({{"path", "/p" + std::to_string(i)}});
  const json spec = {
      {"rules", json::array({{{"host", "a.example"}, {"http", {{"paths", paths}}}}})}};
  const ObjectTargets many = targets_of(ObjectKind::ingress, ingress(kProbe, spec), capped);
  CHECK(many.refused);
  CHECK_THAT(many.error, Contains("over kubernetes.max_targets_per_object (2)"));

  const ObjectTargets big =
      targets_of(ObjectKind::service,
                 selected(service(with(kProbe, "expect-body", std::string(33, 'x')))), capped);
  CHECK(big.refused);
  CHECK_THAT(big.error, Contains("is 33 bytes, over kubernetes.max_annotation_bytes (32)"));

  const ObjectTargets fast =
      targets_of(ObjectKind::service, selected(service(with(kProbe, "interval", "0.001"))), capped);
  CHECK(fast.refused);
  CHECK_THAT(fast.error, Contains("below kubernetes.min_interval (5000 ms)"));
}

TEST_CASE("an annotation picks an admin's profile by name; an unknown one is refused", "[policy]") {
  const Config config = parse_config(
      "kubernetes: {api_url: 'http://127.0.0.1:1'}\n"
      "defaults: {bearer_token: from-defaults, headers: {X-Key: k}, interval: 30}\n"
      "profiles:\n"
      "  default: {expect_status: [200, 204]}\n"
      "  internal: {bearer_token: for-internal, headers: {X-Team: sre}}\n",
      "sitter.yaml", {});
  const json plain = selected(service(kProbe));
  const Target target = only_target(targets_of(ObjectKind::service, plain, *config.discovery));
  CHECK_FALSE(target.extras->bearer_token);  // defaults' credentials stay with the file's targets
  CHECK(target.headers.empty());
  CHECK(target.interval == 30s);
  CHECK(target.extras->expect.status.size() == 2);  // the profile named "default"

  const Target internal = only_target(
      targets_of(ObjectKind::service, selected(service(with(kProbe, "profile", "internal"))),
                 *config.discovery));
  CHECK(internal.extras->bearer_token == "for-internal");
  CHECK(internal.headers == HeaderList{{"X-Team", "sre"}});

  const ObjectTargets unknown = targets_of(
      ObjectKind::service, selected(service(with(kProbe, "profile", "admin"))), *config.discovery);
  CHECK(unknown.refused);
  CHECK_THAT(unknown.error,
             Contains("epsitter.io/profile: \"admin\" is not a profile of the config (profiles: "
                      "default, internal)"));
}

TEST_CASE("an alias bomb in an annotation skips the object at the alias", "[objects]") {
  // 2.3 KiB that expanded to a 118 MB body (660 MiB of memory) before the budget.
  std::string bomb = "{l0: &l0 \"" + std::string(2'000, 'x') + "\"";
  for (int level = 1; level <= 5; ++level) {
    bomb += ", l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) bomb += (i > 0 ? ", *l" : "*l") + std::to_string(level - 1);
    bomb += "]";
  }
  bomb += "}";
  const ObjectTargets result = targets_of(
      ObjectKind::service, service(with(with(kProbe, "method", "POST"), "payload", bomb)), open_policy());
  CHECK(result.targets.empty());
  CHECK_THAT(result.error, Contains("Service shop/web:") &&
                               Contains("epsitter.io/payload.l2[2]: the annotation's value grows "
                                        "past 64 KiB of text here once expanded"));
}
