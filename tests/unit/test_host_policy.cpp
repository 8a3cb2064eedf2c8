// Unit tests for the Host check against DNS rebinding.
#include <catch2/catch.hpp>

#include "web/host_policy.hpp"

using namespace epsitter;

TEST_CASE("the names a cluster gives us are allowed by default", "[host_policy]") {
  const HostPolicy policy;
  for (const char* host :
       {"127.0.0.1", "127.0.0.1:8989", "10.1.2.3:8989", "[::1]:8989", "[fd00::1]", "localhost",
        "LOCALHOST:8989", "epsitter", "epsitter:8989", "epsitter.monitoring.svc",
        "epsitter.monitoring.svc:8989", "epsitter-0.epsitter.monitoring.svc.cluster.local:8989",
        "epsitter.monitoring.svc.cluster.local.", "Epsitter.Monitoring.SVC"}) {
    CHECK(policy.allows(host));
  }
  CHECK(policy.allows(nullptr));  // HTTP/1.0 without Host: not a browser
}

TEST_CASE("other names are refused unless listed", "[host_policy]") {
  const HostPolicy policy;
  for (const char* host :
       {"evil.example", "evil.example:8989", "127.0.0.1.evil.example", "x.svc.evil.example",
        "cluster.local", "a.cluster.local", "", ":8989", "[::1", "[::1]x", "host:port",
        "epsitter:99999999", "ev il", "evil.example:8989:1", "[evil.example]"}) {
    CHECK_FALSE(policy.allows(host));
  }
  CHECK(policy.allows("svc:80"));  // single label
}

TEST_CASE("WEB_ALLOWED_HOSTS globs add names", "[host_policy]") {
  const HostPolicy policy{{"*.example.com", "metrics.corp"}};
  CHECK(policy.allows("epsitter.example.com"));
  CHECK(policy.allows("a.b.example.com:443"));
  CHECK(policy.allows("METRICS.corp"));
  CHECK_FALSE(policy.allows("example.com"));
  CHECK_FALSE(policy.allows("example.com.evil.example"));
  CHECK_FALSE(policy.allows("metrics.corp.evil.example"));
  CHECK(HostPolicy{{"*"}}.allows("anything.at.all"));
}

