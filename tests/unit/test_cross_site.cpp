// Unit tests for the checks that keep web pages of other sites from reloading the config.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "web/cross_site.hpp"

using namespace epsitter;

namespace {

std::optional<std::string_view> problem(const std::map<std::string, std::string>& headers) {
  return cross_site_problem([&headers](const char* name) -> const char* {
    const auto found = headers.find(name);
    return found == headers.end() ? nullptr : found->second.c_str();
  });
}

}  // namespace

TEST_CASE("a reload needs the custom header", "[cross_site]") {
  CHECK(problem({{"Host", "127.0.0.1:8989"}}));
  CHECK(problem({{"Host", "127.0.0.1:8989"}, {"X-Epsitter-Reload", ""}}));
  CHECK_FALSE(problem({{"Host", "127.0.0.1:8989"}, {"X-Epsitter-Reload", "1"}}));
  CHECK_FALSE(problem({{"X-Epsitter-Reload", "1"}}));  // curl over HTTP/1.0: no Host, no Origin
}

TEST_CASE("an Origin other than this server is refused", "[cross_site]") {
  const std::string host = "epsitter.monitoring.svc:8989";
  CHECK_FALSE(problem({{"Host", host},
                       {"X-Epsitter-Reload", "1"},
                       {"Origin", "http://epsitter.monitoring.svc:8989"}}));
  CHECK_FALSE(problem({{"Host", host},
                       {"X-Epsitter-Reload", "1"},
                       {"Origin", "HTTPS://Epsitter.Monitoring.svc:8989"}}));
  for (const char* origin : {"http://evil.example", "http://epsitter.monitoring.svc:8990",
                             "http://epsitter.monitoring.svc", "null", "file://",
                             "http://epsitter.monitoring.svc:8989/x", "ftp://epsitter:8989"}) {
    CHECK(problem({{"Host", host}, {"X-Epsitter-Reload", "1"}, {"Origin", origin}}));
  }
  CHECK(problem({{"X-Epsitter-Reload", "1"}, {"Origin", "http://127.0.0.1:8989"}}));  // no Host
}

TEST_CASE("Sec-Fetch-Site must say same-origin or none", "[cross_site]") {
  const auto with = [](const char* site) {
    return problem({{"Host", "h"}, {"X-Epsitter-Reload", "1"}, {"Sec-Fetch-Site", site}});
  };
  CHECK_FALSE(with("same-origin"));
  CHECK_FALSE(with("none"));
  CHECK(with("same-site"));
  CHECK(with("cross-site"));
}
