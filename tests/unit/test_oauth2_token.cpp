// Unit tests for the client-credentials token request and the reading of its answer (bounds, bad
// JSON, token types) and for how long a token is used.
#include <catch2/catch.hpp>
#include <string>

#include "probe/oauth2_token.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

OAuth2Settings settings() {
  OAuth2Settings s;
  s.token_url = "http://idp/token";
  s.client_id = "probe client";
  s.client_secret = "s3c:r&t";
  s.scopes = {"read", "write"};
  s.params = {{"audience", "a b"}};
  return s;
}

ProbeResult answer(int status, std::string body) {
  ProbeResult result;
  result.status_code = status;
  result.body = std::move(body);
  return result;
}

}  // namespace

TEST_CASE("the token request is a form POST with basic auth that follows no redirect", "[oauth2]") {
  const ProbeRequest request = make_token_request(settings(), 3s, "epsitter/test");
  CHECK(request.url == "http://idp/token");
  CHECK(request.method == "POST");
  CHECK(request.timeout == 3s);
  CHECK(request.body ==
        std::optional<std::string>{"grant_type=client_credentials&scope=read+write&audience=a+b"});
  // RFC 6749 2.3.1: form-encoded before they go into the basic auth header.
  CHECK(request.auth_user == std::optional<std::string>{"probe+client"});
  CHECK(request.auth_pass == std::optional<std::string>{"s3c%3Ar%26t"});
  CHECK_FALSE(request.follow_redirects);
  CHECK(request.keep_body);
  CHECK(request.max_body_size == std::optional<std::int64_t>{kMaxTokenResponseBytes});
  CHECK(request.body_limit == kMaxTokenResponseBytes);
  CHECK(request.headers.front() ==
        std::pair<std::string, std::string>{"Content-Type", "application/x-www-form-urlencoded"});
}

TEST_CASE("no scope field is sent without scopes", "[oauth2]") {
  OAuth2Settings s = settings();
  s.scopes.clear();
  s.params.clear();
  CHECK(make_token_request(s, 1s, "").body ==
        std::optional<std::string>{"grant_type=client_credentials"});
}

TEST_CASE("a good token response gives the token and its lifetime", "[oauth2]") {
  const TokenResponse read = read_token_response(
      answer(200, R"({"access_token":"abc","token_type":"bearer","expires_in":300})"));
  CHECK(read.access_token == std::optional<std::string>{"abc"});
  CHECK(read.expires_in == std::optional<std::chrono::milliseconds>{300s});
  // expires_in as a string, and no token_type (taken as Bearer).
  const TokenResponse text =
      read_token_response(answer(201, R"({"access_token":"abc","expires_in":"60"})"));
  CHECK(text.access_token);
  CHECK(text.expires_in == std::optional<std::chrono::milliseconds>{60s});
  CHECK_FALSE(
      read_token_response(answer(200, R"({"access_token":"abc","expires_in":0})")).expires_in);
}

TEST_CASE("a bad token response is refused with a reason that quotes nothing of it", "[oauth2]") {
  const auto problem_of = [](const ProbeResult& result) {
    const TokenResponse read = read_token_response(result);
    CHECK_FALSE(read.access_token);
    CHECK(read.problem.find("SECRETBODY") == std::string::npos);
    return read.problem;
  };
  CHECK_THAT(problem_of(answer(500, R"({"access_token":"SECRETBODY"})")), Contains("status 500"));
  CHECK_THAT(problem_of(answer(200, "SECRETBODY not json")), Contains("not a JSON object"));
  CHECK_THAT(problem_of(answer(200, R"(["SECRETBODY"])")), Contains("not a JSON object"));
  CHECK_THAT(problem_of(answer(200, R"({"token":"SECRETBODY"})")), Contains("no access_token"));
  CHECK_THAT(problem_of(answer(200, R"({"access_token":""})")), Contains("no access_token"));
  CHECK_THAT(problem_of(answer(200, R"({"access_token":7})")), Contains("no access_token"));
  CHECK_THAT(problem_of(answer(200, R"({"access_token":"a","token_type":"mac"})")),
             Contains("not Bearer"));
  CHECK_THAT(problem_of(answer(200, "{\"access_token\":\"a\\nb\"}")),
             Contains("control character"));
  ProbeResult big = answer(200, "SECRETBODY");
  big.body_too_large = true;
  CHECK_THAT(problem_of(big), Contains("longer than 65536 bytes"));
  ProbeResult refused;
  refused.error = ProbeError::connection_refused;
  CHECK_THAT(problem_of(refused), Contains("not reached (connection_refused)"));
  // Deeper than the JSON reader's bound: refused, not a stack overflow.
  CHECK_THAT(problem_of(answer(200, std::string(10'000, '[') + std::string(10'000, ']'))),
             Contains("not a JSON object"));
}

TEST_CASE("a token is used until 10% (at most 60 s) before it expires, an hour without expiry",
          "[oauth2]") {
  CHECK(token_lifetime(3600s) == 3540s);
  CHECK(token_lifetime(300s) == 270s);
  CHECK(token_lifetime(2s) == 1800ms);
  CHECK(token_lifetime(std::nullopt) == kTokenDefaultLifetime);
}
