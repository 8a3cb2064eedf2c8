// Unit tests for turning annotated Services and Ingresses into targets: URLs, names, options,
// and bad annotations or malformed objects skipped with a message.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
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
  const ObjectTargets result = targets_of(ObjectKind::service, service(kProbe), nullptr);
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
      only_target(targets_of(ObjectKind::service, service(annotations, ports), nullptr));
  CHECK(target.url == "http://web.shop.svc:9000/healthz?full=1");
  CHECK(target.interval == 10s);
  CHECK(target.extras->expect.status.size() == 2);

  const Target numbered = only_target(
      targets_of(ObjectKind::service,
                 service(with(with(kProbe, "port", "8443"), "scheme", "https")), nullptr));
  CHECK(numbered.url == "https://web.shop.svc:8443/");
}

TEST_CASE("a port named or declared https, or 443, is probed over https", "[objects]") {
  const auto url_of = [](const json& port) {
    return only_target(
               targets_of(ObjectKind::service, service(kProbe, json::array({port})), nullptr))
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
    const ObjectTargets result = targets_of(ObjectKind::service, service(annotations), nullptr);
    CHECK_FALSE(result.probed);
    CHECK(result.targets.empty());
    CHECK(result.error.empty());
  }
  json bare = service(kProbe);
  bare["metadata"].erase("annotations");
  CHECK(targets_of(ObjectKind::service, bare, nullptr).targets.empty());
}

TEST_CASE("a bad annotation skips the object with a message naming it", "[objects]") {
  const auto error_of = [](const json& object) {
    const ObjectTargets result = targets_of(ObjectKind::service, object, nullptr);
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
  CHECK_THAT(error_of(service(with(kProbe, "path", "/a b"))),
             Contains("contains a space, a control character or #"));
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
  CHECK_THAT(targets_of(ObjectKind::service, nameless, nullptr).error,
             Contains("Service without metadata.name or metadata.namespace"));
  CHECK_THAT(targets_of(ObjectKind::service, service(kProbe, json::array()), nullptr).error,
             Contains("Service shop/web: has no ports: set epsitter.io/port"));
  CHECK_THAT(targets_of(ObjectKind::service, service(kProbe, "80"), nullptr).error,
             Contains("has no ports"));
  CHECK_THAT(
      targets_of(ObjectKind::service, service(kProbe, json::array({{{"port", "eighty"}}})), nullptr)
          .error,
      Contains("malformed object: spec.ports"));
  CHECK(targets_of(ObjectKind::service, json::array(), nullptr).targets.empty());
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
  const ObjectTargets result = targets_of(ObjectKind::ingress, ingress(kProbe, spec), nullptr);
  REQUIRE(result.error.empty());
  REQUIRE(result.targets.size() == 3);
  CHECK(result.targets[0].labels.name == "shop/front/shop.example.com/");
  CHECK(result.targets[0].url == "https://shop.example.com/");
  CHECK(result.targets[1].url == "https://shop.example.com/api");
  CHECK(result.targets[2].labels.name == "shop/front/plain.example.com/");
  CHECK(result.targets[2].url == "http://plain.example.com/");
  CHECK(result.targets[2].source == "ingress");

  // An annotated path replaces the rule's paths: one target per host.
  const ObjectTargets health =
      targets_of(ObjectKind::ingress, ingress(with(kProbe, "path", "/healthz"), spec), nullptr);
  REQUIRE(health.targets.size() == 2);
  CHECK(health.targets[0].url == "https://shop.example.com/healthz");

  CHECK_THAT(targets_of(ObjectKind::ingress,
                        ingress(kProbe, {{"rules", json::array({{{"host", "*.x.com"}}})}}), nullptr)
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
  CHECK(targets_of(ObjectKind::service, *trimmed, nullptr).targets.front().url ==
        "http://web.shop.svc:8080/x");
  CHECK_FALSE(trim_object(ObjectKind::service, service(json::object())));
}

TEST_CASE("an annotation longer than 16 KiB skips the object before it is parsed", "[objects]") {
  const ObjectTargets result = targets_of(ObjectKind::service,
                                          service(with(with(kProbe, "method", "POST"), "payload",
                                                       "\"" + std::string(16 << 10, 'x') + "\"")),
                                          nullptr);
  CHECK(result.probed);
  CHECK(result.targets.empty());
  CHECK(result.error ==
        "Service shop/web: epsitter.io/payload: the value has 16386 bytes, more than the 16 KiB "
        "an annotation of epsitter's may hold");
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
      ObjectKind::service, service(with(with(kProbe, "method", "POST"), "payload", bomb)), nullptr);
  CHECK(result.targets.empty());
  CHECK_THAT(result.error, Contains("Service shop/web:") &&
                               Contains("epsitter.io/payload.l2[2]: the annotation's value grows "
                                        "past 64 KiB of text here once expanded"));
}
