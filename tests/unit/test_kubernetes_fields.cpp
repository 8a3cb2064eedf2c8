// Unit tests for the `kubernetes:` block: defaults from the pod's environment, every key, errors,
// and `urls:` becoming optional beside it.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "config/config_loader.hpp"
#include "config/discovery_policy.hpp"
#include "fake_env.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using Catch::Contains;
using epsitter::testing::fake_env;
using namespace std::chrono_literals;

namespace {

const EnvLookup kInPod =
    fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});

std::string error_for(const std::string& yaml, const EnvLookup& env = kInPod) {
  try {
    parse_config(yaml, "sitter.yaml", env);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("without a kubernetes block there is no discovery", "[kubernetes]") {
  const Config config = parse_config("urls:\n  a: {url: http://127.0.0.1:1/}\n", "sitter.yaml");
  CHECK_FALSE(config.kubernetes);
  CHECK(config.discovery == nullptr);
}

TEST_CASE("an empty kubernetes block takes the in-cluster defaults", "[kubernetes]") {
  for (const std::string block : {"kubernetes: {}\n", "kubernetes:\n"}) {
    const Config config = parse_config(block, "sitter.yaml", kInPod);
    REQUIRE(config.kubernetes);
    CHECK(config.targets.empty());  // urls: is optional beside discovery
    CHECK(config.kubernetes->api_url == "https://10.96.0.1:443");
    CHECK(config.kubernetes->token_file == kInClusterTokenFile);
    CHECK(config.kubernetes->ca_file == kInClusterCaFile);
    CHECK(config.kubernetes->namespaces.empty());
    CHECK(config.kubernetes->label_selector.empty());
  }
}

TEST_CASE("an IPv6 API server address is bracketed; the port defaults to 443", "[kubernetes]") {
  const Config config = parse_config("kubernetes: {}\n", "sitter.yaml",
                                     fake_env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}}));
  CHECK(config.kubernetes->api_url == "https://[fd00::1]:443");
}

TEST_CASE("every key of the kubernetes block is read", "[kubernetes]") {
  testing::TempDirectory dir;
  dir.write("token", "abc\n");
  dir.write("ca.pem", "not checked here\n");
  const std::string yaml =
      "kubernetes:\n"
      "  namespaces: [shop, billing-prod]\n"
      "  label_selector: team=sre,tier!=db\n"
      "  api_url: http://127.0.0.1:8001/\n"
      "  token_file: token\n"
      "  ca_file: ca.pem\n"
      "urls:\n"
      "  a: {url: http://127.0.0.1:1/}\n";
  const Config config = parse_config(yaml, (dir.path() / "sitter.yaml").string());
  REQUIRE(config.kubernetes);
  const KubernetesConfig& k = *config.kubernetes;
  CHECK(k.namespaces == std::vector<std::string>{"shop", "billing-prod"});
  CHECK(k.label_selector == "team=sre,tier!=db");
  CHECK(k.api_url == "http://127.0.0.1:8001");  // trailing slash dropped
  CHECK(k.token_file == (dir.path() / "token").string());
  CHECK(k.ca_file == (dir.path() / "ca.pem").string());
  CHECK(config.targets.size() == 1);
}

TEST_CASE("kubernetes block errors name the key and the value", "[kubernetes]") {
  CHECK_THAT(error_for("kubernetes: {}\n", {}),
             Contains("kubernetes.api_url: not set, and KUBERNETES_SERVICE_HOST is not in the "
                      "environment"));
  CHECK_THAT(error_for("kubernetes: {namespace: [a]}\n"),
             Contains("sitter.yaml:1:14: kubernetes.namespace: unknown key \"namespace\" (did you "
                      "mean \"namespaces\"?)"));
  CHECK_THAT(error_for("kubernetes: {namespaces: [Shop]}\n"),
             Contains("kubernetes.namespaces[0]: \"Shop\" is not a namespace name"));
  CHECK_THAT(error_for("kubernetes: {namespaces: [a, a]}\n"),
             Contains("namespace \"a\" is listed twice"));
  CHECK_THAT(error_for("kubernetes: {namespaces: shop}\n"), Contains("expected a list"));
  CHECK_THAT(error_for("kubernetes: {api_url: ftp://x/}\n"), Contains("kubernetes.api_url: "));
  CHECK_THAT(error_for("kubernetes: {token_file: /nonexistent/token}\n"),
             Contains("kubernetes.token_file: cannot read file \"/nonexistent/token\""));
  CHECK_THAT(error_for("kubernetes: {label_selector: \" \"}\n"),
             Contains("kubernetes.label_selector"));
  CHECK_THAT(error_for("kubernetes: [a]\n"), Contains("kubernetes: expected a map"));
}

TEST_CASE("urls stays required, and non-empty, without discovery", "[kubernetes]") {
  CHECK_THAT(error_for("defaults: {timeout: 1}\n"), Contains("missing required key \"urls\""));
  CHECK_THAT(error_for("urls: {}\n"), Contains("has no targets"));
  CHECK(error_for("kubernetes: {}\nurls: {}\n") == "accepted");
  CHECK(error_for("kubernetes: {}\nurls:\n") == "accepted");
}

TEST_CASE("a discovery policy is kept only when discovering", "[kubernetes]") {
  const std::string defaults = "defaults: {interval: 15}\nurls:\n  a: {url: http://h/}\n";
  CHECK(parse_config(defaults, "sitter.yaml", kInPod).discovery == nullptr);
  CHECK(parse_config("kubernetes: {}\n" + defaults, "sitter.yaml", kInPod).discovery != nullptr);
}

TEST_CASE("the discovery rules default to safe and are read from the kubernetes block",
          "[kubernetes]") {
  const Config plain = parse_config("kubernetes: {}\n", "sitter.yaml", kInPod);
  REQUIRE(plain.discovery);
  const DiscoveryRules& safe = plain.discovery->rules();
  CHECK(safe.allowed_annotations == default_allowed_annotations());
  CHECK(safe.allowed_hosts.empty());
  CHECK(safe.allowed_ports.empty());
  CHECK_FALSE(safe.allow_external_name);
  CHECK_FALSE(safe.allow_selectorless);
  CHECK(safe.max_targets_per_object == 50);
  CHECK(safe.max_annotation_bytes == 16384);
  CHECK(safe.min_interval == 5s);

  const Config set = parse_config(
      "kubernetes:\n"
      "  allowed_annotations: [epsitter.io/method, expect_headers, path]\n"
      "  allowed_hosts: ['*.Shop.example', api.example]\n"
      "  allowed_ports: [80, 8443]\n"
      "  allow_external_name: true\n"
      "  allow_selectorless: yes\n"
      "  max_targets_per_object: 3\n"
      "  max_annotation_bytes: 100\n"
      "  min_interval: 0.5\n",
      "sitter.yaml", kInPod);
  const DiscoveryRules& rules = set.discovery->rules();
  CHECK(rules.allowed_annotations == std::vector<std::string>{"method", "expect-headers", "path"});
  CHECK(rules.allowed_hosts == std::vector<std::string>{"*.shop.example", "api.example"});
  CHECK(rules.allowed_ports == std::vector<long long>{80, 8443});
  CHECK(rules.allow_external_name);
  CHECK(rules.allow_selectorless);
  CHECK(rules.max_targets_per_object == 3);
  CHECK(rules.max_annotation_bytes == 100);
  CHECK(rules.min_interval == 500ms);

  CHECK_THAT(error_for("kubernetes: {allowed_annotations: [auth-pass]}\n"),
             Contains("kubernetes.allowed_annotations[0]: unknown annotation \"auth-pass\""));
  CHECK_THAT(error_for("kubernetes: {allowed_hosts: ['a b']}\n"),
             Contains("is not a host name pattern"));
  CHECK_THAT(error_for("kubernetes: {allowed_ports: [0]}\n"), Contains("is not a port number"));
  CHECK_THAT(error_for("kubernetes: {max_targets_per_object: 0}\n"), Contains("out of range"));
}

TEST_CASE("profiles are checked as defaults are, and may not set url or namespace",
          "[kubernetes]") {
  CHECK(error_for("kubernetes: {}\nprofiles: {internal: {bearer_token: t, timeout: 2}}\n") ==
        "accepted");
  CHECK_THAT(error_for("kubernetes: {}\nprofiles: {p: {url: http://h/}}\n"),
             Contains("profiles.p.url: a profile has no url"));
  CHECK_THAT(error_for("kubernetes: {}\nprofiles: {p: {namespace: x}}\n"),
             Contains("profiles.p.namespace: a profile has no namespace"));
  CHECK_THAT(error_for("kubernetes: {}\nprofiles: {p: {tiemout: 2}}\n"),
             Contains("unknown field \"tiemout\""));
  CHECK_THAT(error_for("kubernetes: {}\nprofiles: {'Bad Name': {}}\n"),
             Contains("is not a profile name"));
}
