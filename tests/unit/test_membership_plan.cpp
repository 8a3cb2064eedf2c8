// Where lease mode keeps its Lease: the API server from the kubernetes: block or the pod's
// environment, the namespace from POD_NAMESPACE, the block, or the ServiceAccount's file.
#include <catch2/catch.hpp>
#include <map>

#include "membership/membership_plan.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

EnvLookup env_of(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

LeaseSharding sharding(std::string namespace_ = "") {
  LeaseSharding lease;
  lease.enabled = true;
  lease.identity = "sitter-a";
  lease.group = "edge";
  lease.lease_seconds = 9;
  lease.namespace_ = std::move(namespace_);
  return lease;
}

}  // namespace

TEST_CASE("the kubernetes block gives the API server, POD_NAMESPACE the namespace") {
  KubernetesConfig block;
  block.api_url = "http://127.0.0.1:6443";
  block.token_file = "/tmp/token";
  block.namespaces = {"shop", "web"};
  block.label_selector = "app=x";
  const MembershipPlan plan = plan_membership(sharding("monitoring"), block, env_of({}), "/none");
  CHECK(plan.api.api_url == "http://127.0.0.1:6443");
  CHECK(plan.api.token_file == "/tmp/token");
  CHECK(plan.api.namespaces.empty());
  CHECK(plan.api.label_selector.empty());
  CHECK(plan.own.name == "sitter-a");
  CHECK(plan.own.namespace_ == "monitoring");
  CHECK(plan.own.group == "edge");
  CHECK(plan.own.duration_seconds == 9);
  // Without POD_NAMESPACE: the block's namespace when it names exactly one.
  block.namespaces = {"shop"};
  CHECK(plan_membership(sharding(), block, env_of({}), "/none").own.namespace_ == "shop");
}

TEST_CASE(
    "in a pod without a block: the in-cluster API server and the ServiceAccount's namespace") {
  TempDirectory directory;
  const std::string file = directory.write("namespace", "observability\n");
  const MembershipPlan plan = plan_membership(
      sharding(), std::nullopt,
      env_of({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), file);
  CHECK(plan.api.api_url == "https://10.0.0.1:443");
  CHECK(plan.api.token_file == kInClusterTokenFile);
  CHECK(plan.api.ca_file == kInClusterCaFile);
  CHECK(plan.own.namespace_ == "observability");
}

TEST_CASE("no API server or no namespace is an error that says what to set") {
  CHECK_THROWS_WITH(plan_membership(sharding("x"), std::nullopt, env_of({}), "/none"),
                    Catch::Contains("KUBERNETES_SERVICE_HOST is not in the environment"));
  KubernetesConfig block;
  block.api_url = "http://127.0.0.1:6443";
  block.namespaces = {"a", "b"};
  CHECK_THROWS_WITH(plan_membership(sharding(), block, env_of({}), "/none"),
                    Catch::Contains("set POD_NAMESPACE"));
}
