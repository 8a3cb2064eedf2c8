// OAuth 2.0 tokens, fetched through the HTTP engine and shared: one token per distinct setting, one
// request in flight per setting however many targets ask at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "config/oauth2_settings.hpp"
#include "probe/probe_request.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

struct TokenOutcome {
  std::string token;    // empty when no token could be got
  std::string problem;  // why not; never a secret or a piece of the response
  bool ok() const { return !token.empty(); }
};

// Token requests so far, for /metrics: by token_url and final status (0: no response), and those
// that gave no usable token (any reason: no response, non-2xx, a malformed answer).
struct TokenRequestCounts {
  std::map<std::pair<std::string, int>, std::uint64_t> requests;
  std::map<std::string, std::uint64_t> failures;
};

// Thread-safe; owned by main() beside the engine and shared by every target actor (through the
// ProbeContext). Answers come through callbacks that must return quickly: a cached token's on the
// asking thread, a fetched one's on the engine's thread.
class TokenCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Completion = std::function<void(ProbeResult)>;
  // Hands a request to the HTTP engine (HttpEngine::submit).
  using Send = std::function<void(std::shared_ptr<const ProbeRequest>, Completion)>;
  using Callback = std::function<void(TokenOutcome)>;

  TokenCache(Send send, std::string user_agent, Clock clock = std::chrono::steady_clock::now);

  // The token of `settings`: the cached one while it is fresh (see token_lifetime), else from a
  // request joined by every get() of the same settings until it answers. A failure is not cached:
  // the next get() asks again. `timeout` bounds the request it starts, if any.
  void get(const OAuth2Settings& settings, std::chrono::milliseconds timeout, Callback done);

  // The target refused `token` (401): forget it, unless a newer one already replaced it, so that
  // several targets refused at once cause one new request.
  void invalidate(const OAuth2Settings& settings, const std::string& token);

  TokenRequestCounts counts() const;

 private:
  struct State;
  // Shared with the completions in flight, which may outlive this object until the engine stops.
  std::shared_ptr<State> state_;
};

}  // namespace epsitter
