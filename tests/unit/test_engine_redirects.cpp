// The HTTP engine following redirects against a loopback server: hops, where credentials and
// cookies go, the method and body after a 303, and the redirect and header limits.

// Prints std::optional values in failed checks (headers the server did or did not get).
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "engine_fixture.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

TEST_CASE_METHOD(EngineFixture, "a redirect chain is followed and its hops counted") {
  server.on("/a", Reply::redirect(302, server.url("/b")));
  server.on("/b", Reply::redirect(301, "/c"));  // relative, resolved against /b
  server.on("/c", Reply::redirect(308, server.url("/d")));
  server.on("/d", Reply::respond(200, "end"));
  const auto result = probe(engine, request_to(server.url("/a")));
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->status_code == 200);
  CHECK(result->redirects == 3);
  CHECK(result->response_bytes == 3);
  // Every hop's time is in the total, and in the phases.
  CHECK(phase_sum(result->phases) == Approx(result->duration_seconds).margin(1e-3));
  std::vector<std::string> targets;
  for (const auto& request : server.requests()) targets.push_back(request.target);
  CHECK(targets == std::vector<std::string>{"/a", "/b", "/c", "/d"});
}

TEST_CASE_METHOD(EngineFixture,
                 "a POST becomes a bodiless GET after 302 and stays a POST after 307") {
  const int status = GENERATE(302, 307);
  server.on("/form", Reply::redirect(status, server.url("/landing")));
  server.on("/landing", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/form"));
  request.method = "POST";
  request.body = "payload=1";
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->status_code == 200);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].body == "payload=1");
  if (status == 302) {
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].body.empty());
    CHECK_FALSE(seen[1].header("Content-Length"));
  } else {
    CHECK(seen[1].method == "POST");
    CHECK(seen[1].body == "payload=1");
  }
}

TEST_CASE_METHOD(EngineFixture,
                 "credentials and secret headers go only to the first hop's origin") {
  LoopbackServer other;  // the same host on another port: another origin
  server.on("/start", Reply::redirect(302, server.url("/same")));
  server.on("/same", Reply::redirect(302, other.url("/elsewhere")));
  other.on("/elsewhere", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/start"));
  request.headers = {{"X-Api-Key", "k"}, {"X-Trace", "t"}};
  request.secret_headers = {"x-api-key"};  // names match ignoring case
  std::string authorization;
  SECTION("a bearer token") {
    request.bearer_token = "tok";
    authorization = "Bearer tok";
  }
  SECTION("basic auth") {
    request.auth_user = "user";
    request.auth_pass = "pw";
    authorization = "Basic dXNlcjpwdw==";
  }
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->status_code == 200);
  CHECK(result->redirects == 2);

  const auto first = server.requests();
  REQUIRE(first.size() == 2);
  for (const auto& hop : first) {
    CAPTURE(hop.target);
    CHECK(hop.header("Authorization") == authorization);
    CHECK(hop.header("X-Api-Key") == "k");
    CHECK(hop.header("X-Trace") == "t");
  }
  const auto elsewhere = other.requests();
  REQUIRE(elsewhere.size() == 1);
  CHECK_FALSE(elsewhere[0].header("Authorization"));
  CHECK_FALSE(elsewhere[0].header("X-Api-Key"));
  CHECK(elsewhere[0].header("X-Trace") == "t");
}

TEST_CASE_METHOD(EngineFixture, "credentials in the URL go to that URL only") {
  LoopbackServer other;
  server.on("/start", Reply::redirect(302, other.url("/elsewhere")));
  other.on("/elsewhere", Reply::respond(200));
  const std::string url = "http://u:p@127.0.0.1:" + std::to_string(server.port()) + "/start";
  const auto result = probe(engine, request_to(url));
  REQUIRE(result);
  CHECK(result->status_code == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].header("Authorization") == "Basic dTpw");
  REQUIRE(other.requests().size() == 1);
  CHECK_FALSE(other.requests()[0].header("Authorization"));
}

namespace {

// A 302 to `location` that sets the cookie `session=abc`, as a login page does.
Reply sets_cookie_and_redirects(const std::string& location) {
  return Reply::respond(302, "",
                        "Location: " + location + "\r\nSet-Cookie: session=abc; Path=/\r\n");
}

// 200 with the cookie the login set, 400 without it: the probe succeeds only if it came along.
LoopbackServer::Handler needs_cookie() {
  return [](const RecordedRequest& request) {
    return request.header("Cookie") == std::optional<std::string>{"session=abc"}
               ? Reply::respond(200, "in")
               : Reply::respond(400, "no session");
  };
}

}  // namespace

TEST_CASE_METHOD(EngineFixture, "a cookie a redirect sets goes with the next hop to its host") {
  server.on("/login", sets_cookie_and_redirects("/app"));
  server.on("/app", needs_cookie());
  const auto result = probe(engine, request_to(server.url("/login")));
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->status_code == 200);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK_FALSE(seen[0].header("Cookie"));
  CHECK(seen[1].header("Cookie") == "session=abc");
}

TEST_CASE_METHOD(EngineFixture, "a cookie is not sent to another host on a redirect") {
  // 127.0.0.1 sets it; "localhost" is another host on the same server; back on 127.0.0.1 it is
  // sent again, so it was kept, only scoped.
  const std::string port = std::to_string(server.port());
  server.on("/login", sets_cookie_and_redirects("http://localhost:" + port + "/elsewhere"));
  server.on("/elsewhere", Reply::redirect(302, "http://127.0.0.1:" + port + "/back"));
  server.on("/back", needs_cookie());
  const auto result = probe(engine, request_to(server.url("/login")));
  REQUIRE(result);
  CHECK(result->status_code == 200);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].header("Host") == "localhost:" + port);
  CHECK_FALSE(seen[1].header("Cookie"));
  CHECK(seen[2].header("Cookie") == "session=abc");
}

TEST_CASE_METHOD(EngineFixture, "no cookie outlives its probe") {
  server.on("/login", sets_cookie_and_redirects("/app"));
  server.on("/app", needs_cookie());
  server.on("/plain", Reply::respond(200));
  const ProbeRequest request = request_to(server.url("/login"));
  for (int round = 0; round < 2; ++round) {
    const auto result = probe(engine, request);
    REQUIRE(result);
    CHECK(result->status_code == 200);
  }
  // Another probe of another target on the same host gets none either.
  REQUIRE(probe(engine, request_to(server.url("/plain"))));
  const auto seen = server.requests();
  REQUIRE(seen.size() == 5);
  CHECK(seen[0].target == "/login");
  CHECK_FALSE(seen[2].header("Cookie"));  // the second probe's first hop
  CHECK(seen[3].header("Cookie") == "session=abc");
  CHECK_FALSE(seen[4].header("Cookie"));
}

TEST_CASE_METHOD(
    EngineFixture,
    "a configured Cookie and the chain's cookies go in one header, secrets stay home") {
  LoopbackServer other;
  server.on("/login", sets_cookie_and_redirects("/app"));
  server.on("/app", Reply::redirect(302, other.url("/elsewhere")));
  other.on("/elsewhere", Reply::respond(200));
  ProbeRequest request = request_to(server.url("/login"));
  request.headers = {{"Cookie", "team=sre"}};
  const auto count_cookies = [](const RecordedRequest& seen) {
    return std::count_if(seen.headers.begin(), seen.headers.end(),
                         [](const auto& header) { return header.first == "Cookie"; });
  };
  SECTION("not secret: sent everywhere, as any configured header") {
    REQUIRE(probe(engine, request));
    REQUIRE(other.requests().size() == 1);
    // The same host on another port: the chain's cookie goes too (cookies are scoped by host,
    // not port, RFC 6265 8.5).
    CHECK(other.requests()[0].header("Cookie") == "session=abc; team=sre");
  }
  SECTION("secret: only to the first hop's origin") {
    request.secret_headers = {"cookie"};
    REQUIRE(probe(engine, request));
    REQUIRE(other.requests().size() == 1);
    CHECK(other.requests()[0].header("Cookie") == "session=abc");
  }
  const auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].header("Cookie") == "team=sre");
  CHECK(count_cookies(seen[1]) == 1);
  CHECK(seen[1].header("Cookie") == "session=abc; team=sre");
}

TEST_CASE_METHOD(EngineFixture, "10 redirects are followed, the 11th fails as too_many_redirects") {
  // /hop/N redirects to /hop/N-1; /hop/0 answers.
  server.on("/hop/0", Reply::respond(200));
  for (int n = 1; n <= 11; ++n) {
    server.on("/hop/" + std::to_string(n), Reply::redirect(302, "/hop/" + std::to_string(n - 1)));
  }
  const auto ten = probe(engine, request_to(server.url("/hop/10")));
  REQUIRE(ten);
  CHECK(ten->error == ProbeError::none);
  CHECK(ten->redirects == 10);
  CHECK(server.requests().size() == 11);

  const auto eleven = probe(engine, request_to(server.url("/hop/11")));
  REQUIRE(eleven);
  CHECK(eleven->error == ProbeError::too_many_redirects);
  CHECK(eleven->status_code == 0);
  CHECK(server.requests().size() == 11 + 11);  // /hop/11 to /hop/1; /hop/0 never asked
}

TEST_CASE_METHOD(EngineFixture, "a flood of response header lines fails as response_too_large") {
  const auto lines = [](int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "X-Flood-" + std::to_string(i) + ": v\r\n";
    return text;
  };
  // The status line, Content-Length, Connection and the blank line make 4 more.
  server.on("/many", Reply::respond(200, "ok", lines(240)));
  server.on("/flood", Reply::respond(200, "ok", lines(300)));
  const auto many = probe(engine, request_to(server.url("/many")));
  REQUIRE(many);
  CHECK(many->error == ProbeError::none);
  const auto flood = probe(engine, request_to(server.url("/flood")));
  REQUIRE(flood);
  CHECK(flood->error == ProbeError::response_too_large);
  CHECK(flood->status_code == 0);
}
