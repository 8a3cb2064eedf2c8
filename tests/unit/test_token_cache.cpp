// Unit tests for the token cache: one request per setting however many ask, expiry, the sharing
// key, invalidation on a 401, failures not cached, and the counts /metrics shows.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "probe/token_cache.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

namespace {

// Holds the requests the cache sends instead of an engine, and a clock the test moves.
struct FakeEngine {
  std::vector<std::shared_ptr<const ProbeRequest>> sent;
  std::vector<TokenCache::Completion> open;
  std::chrono::steady_clock::time_point now{};

  TokenCache cache() {
    return TokenCache{
        [this](std::shared_ptr<const ProbeRequest> request, TokenCache::Completion done) {
          sent.push_back(std::move(request));
          open.push_back(std::move(done));
        },
        "ua", [this] { return now; }};
  }

  // Answers the oldest open request.
  void answer(int status, const std::string& body) {
    REQUIRE_FALSE(open.empty());
    TokenCache::Completion done = std::move(open.front());
    open.erase(open.begin());
    ProbeResult result;
    result.status_code = status;
    result.body = body;
    done(std::move(result));
  }
};

OAuth2Settings settings(std::string secret = "s") {
  OAuth2Settings s;
  s.token_url = "http://idp/token";
  s.client_id = "c";
  s.client_secret = std::move(secret);
  return s;
}

// Records what each get() was answered.
struct Answers {
  std::vector<TokenOutcome> got;
  TokenCache::Callback record() {
    return [this](TokenOutcome outcome) { got.push_back(std::move(outcome)); };
  }
};

}  // namespace

TEST_CASE("targets asking at once share one request, and later ones the cached token", "[oauth2]") {
  FakeEngine engine;
  TokenCache cache = engine.cache();
  Answers answers;
  for (int i = 0; i < 5; ++i) cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 1);
  CHECK(answers.got.empty());
  engine.answer(200, R"({"access_token":"T1","expires_in":100})");
  REQUIRE(answers.got.size() == 5);
  for (const TokenOutcome& outcome : answers.got) CHECK(outcome.token == "T1");
  engine.now += 50s;
  cache.get(settings(), 1s, answers.record());
  CHECK(answers.got.back().token == "T1");  // answered at once, from the cache
  CHECK(engine.sent.size() == 1);
}

TEST_CASE("a token is fetched again shortly before it expires", "[oauth2]") {
  FakeEngine engine;
  TokenCache cache = engine.cache();
  Answers answers;
  cache.get(settings(), 1s, answers.record());
  engine.answer(200, R"({"access_token":"T1","expires_in":100})");
  engine.now += 89s;  // 100 s less 10%: still fresh
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 1);
  engine.now += 2s;
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 2);
  engine.answer(200, R"({"access_token":"T2","expires_in":100})");
  CHECK(answers.got.back().token == "T2");
}

TEST_CASE("only equal settings share a token: a different secret, scope or url is its own",
          "[oauth2]") {
  FakeEngine engine;
  TokenCache cache = engine.cache();
  Answers answers;
  OAuth2Settings scoped = settings();
  scoped.scopes = {"read"};
  OAuth2Settings other_url = settings();
  other_url.token_url = "http://idp/other";
  for (const OAuth2Settings& s : {settings(), settings("rotated"), scoped, other_url}) {
    cache.get(s, 1s, answers.record());
  }
  CHECK(engine.sent.size() == 4);
  CHECK(engine.sent[1]->auth_pass == std::optional<std::string>{"rotated"});
}

TEST_CASE("a 401 invalidates the token once, however many targets report it", "[oauth2]") {
  FakeEngine engine;
  TokenCache cache = engine.cache();
  Answers answers;
  cache.get(settings(), 1s, answers.record());
  engine.answer(200, R"({"access_token":"T1"})");
  cache.invalidate(settings(), "T1");
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 2);
  // A second target refused with the old token while the new one is on its way joins it.
  cache.invalidate(settings(), "T1");
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 2);
  engine.answer(200, R"({"access_token":"T2"})");
  // A third reports the old token after the new one arrived: the new one stays.
  cache.invalidate(settings(), "T1");
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 2);
  CHECK(answers.got.back().token == "T2");
}

TEST_CASE("a failure is reported to every waiter, not cached, and counted", "[oauth2]") {
  FakeEngine engine;
  TokenCache cache = engine.cache();
  Answers answers;
  cache.get(settings(), 1s, answers.record());
  cache.get(settings(), 1s, answers.record());
  engine.answer(500, "oops");
  REQUIRE(answers.got.size() == 2);
  CHECK_FALSE(answers.got[0].ok());
  CHECK(answers.got[0].problem == "token endpoint answered status 500");
  cache.get(settings(), 1s, answers.record());
  CHECK(engine.sent.size() == 2);
  engine.answer(200, R"({"access_token":"T"})");
  const TokenRequestCounts counts = cache.counts();
  CHECK(counts.requests.at({"http://idp/token", 500}) == 1);
  CHECK(counts.requests.at({"http://idp/token", 200}) == 1);
  CHECK(counts.failures.at("http://idp/token") == 1);
}

TEST_CASE("a request answered after the cache is gone harms nothing", "[oauth2]") {
  FakeEngine engine;
  {
    TokenCache cache = engine.cache();
    cache.get(settings(), 1s, [](TokenOutcome) {});
  }
  engine.answer(200, R"({"access_token":"T"})");
}
