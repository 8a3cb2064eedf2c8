// Unit tests for the URL rewrite behind server_name (libcurl's connect-to).
#include <catch2/catch.hpp>

#include "probe/server_name.hpp"

using namespace epsitter;

TEST_CASE("server_name replaces the host and connects to the original host and port",
          "[server_name]") {
  const auto route = route_to_server_name("https://127.0.0.1:8443/health?x=1", "api.example.test");
  REQUIRE(route);
  CHECK(route->url == "https://api.example.test:8443/health?x=1");
  CHECK(route->connect_to == "api.example.test:8443:127.0.0.1:8443");
}

TEST_CASE("the scheme's default port is spelt out, IPv6 hosts keep brackets", "[server_name]") {
  const auto https = route_to_server_name("https://[::1]/", "svc.test");
  REQUIRE(https);
  CHECK(https->url == "https://svc.test/");
  CHECK(https->connect_to == "svc.test:443:[::1]:443");
  const auto http = route_to_server_name("http://u:p@10.0.0.1/x", "svc.test");
  REQUIRE(http);
  CHECK(http->url == "http://u:p@svc.test/x");
  CHECK(http->connect_to == "svc.test:80:10.0.0.1:80");
}

TEST_CASE("a URL libcurl cannot parse gives no route", "[server_name]") {
  CHECK_FALSE(route_to_server_name("not a url", "svc.test"));
}
