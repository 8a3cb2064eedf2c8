// Unit tests for the API request URLs: collections per kind and namespace, paging, watch
// parameters and percent-encoding.
#include <catch2/catch.hpp>

#include "discovery/api_paths.hpp"

using namespace epsitter;

namespace {

KubernetesConfig config(const std::string& selector = "") {
  KubernetesConfig made;
  made.api_url = "https://10.96.0.1:443";
  made.label_selector = selector;
  return made;
}

}  // namespace

TEST_CASE("list URLs name the collection of a kind, in one namespace or all", "[api]") {
  CHECK(list_url(config(), {ObjectKind::service, ""}, 500, "") ==
        "https://10.96.0.1:443/api/v1/services?limit=500");
  CHECK(list_url(config(), {ObjectKind::service, "shop"}, 500, "") ==
        "https://10.96.0.1:443/api/v1/namespaces/shop/services?limit=500");
  CHECK(list_url(config(), {ObjectKind::ingress, ""}, 50, "abc=") ==
        "https://10.96.0.1:443/apis/networking.k8s.io/v1/ingresses?limit=50&continue=abc%3D");
  CHECK(list_url(config("app in (a,b),tier!=db"), {ObjectKind::ingress, "shop"}, 500, "") ==
        "https://10.96.0.1:443/apis/networking.k8s.io/v1/namespaces/shop/ingresses?limit=500"
        "&labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb");
}

TEST_CASE("watch URLs resume from a resource version, with bookmarks and a timeout", "[api]") {
  CHECK(watch_url(config("team=sre"), {ObjectKind::service, ""}, "12345", 300) ==
        "https://10.96.0.1:443/api/v1/services?watch=1&allowWatchBookmarks=true"
        "&resourceVersion=12345&timeoutSeconds=300&labelSelector=team%3Dsre");
}

TEST_CASE("scopes describe themselves for logs", "[api]") {
  CHECK(describe({ObjectKind::service, ""}) == "services in all namespaces");
  CHECK(describe({ObjectKind::ingress, "shop"}) == "ingresses in shop");
  CHECK(percent_encode("a-b_c.d~e f/") == "a-b_c.d~e%20f%2F");
}
