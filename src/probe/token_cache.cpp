// OAuth 2.0 tokens, fetched through the HTTP engine, cached and shared (see token_cache.hpp).
#include "probe/token_cache.hpp"

#include <mutex>
#include <optional>
#include <vector>

#include "probe/oauth2_token.hpp"

namespace epsitter {

struct TokenCache::State {
  struct Entry {
    std::string token;  // empty: none cached
    std::chrono::steady_clock::time_point fresh_until;
    bool fetching = false;
    std::vector<Callback> waiting;  // the get()s the request in flight answers
  };

  Send send;
  std::string user_agent;
  Clock clock;
  mutable std::mutex mutex;  // guards everything below
  // Keyed by the whole settings, secret included: a rotated secret is another key, so its token
  // is fetched anew rather than one got with the old secret used.
  std::map<OAuth2Settings, Entry> entries;
  TokenRequestCounts counts;

  // Entries neither fresh nor fetching are dropped when a request starts, so that settings no
  // target uses any more (a rotated secret) do not stay for ever.
  void forget_stale(std::chrono::steady_clock::time_point now) {
    for (auto it = entries.begin(); it != entries.end();) {
      const bool stale =
          !it->second.fetching && (it->second.token.empty() || it->second.fresh_until <= now);
      it = stale ? entries.erase(it) : std::next(it);
    }
  }

  void fetched(const OAuth2Settings& settings, std::chrono::steady_clock::time_point asked,
               const ProbeResult& result) {
    const TokenResponse response = read_token_response(result);
    TokenOutcome outcome;
    if (response.access_token) {
      outcome.token = *response.access_token;
    } else {
      outcome.problem = response.problem;
    }
    std::vector<Callback> waiting;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++counts.requests[{settings.token_url, result.status_code}];
      if (!outcome.ok()) ++counts.failures[settings.token_url];
      Entry& entry = entries[settings];
      entry.fetching = false;
      entry.token = outcome.token;
      // Counted from when the request was sent: the endpoint's clock started no earlier.
      entry.fresh_until = asked + token_lifetime(response.expires_in);
      waiting = std::exchange(entry.waiting, {});
    }
    for (const Callback& done : waiting) done(outcome);
  }
};

TokenCache::TokenCache(Send send, std::string user_agent, Clock clock)
    : state_(std::make_shared<State>()) {
  // Locked so that the engine thread, whose first use of the state is under this mutex in
  // fetched(), is seen to come after its construction here: the state reaches that thread
  // through CAF's mailboxes (a target actor asks), which ThreadSanitizer cannot see through
  // (tests/tsan.supp), and it reported the constructor's writes as racing with fetched().
  const std::lock_guard<std::mutex> lock(state_->mutex);
  state_->send = std::move(send);
  state_->user_agent = std::move(user_agent);
  state_->clock = std::move(clock);
}

void TokenCache::get(const OAuth2Settings& settings, std::chrono::milliseconds timeout,
                     Callback done) {
  const auto now = state_->clock();
  std::string cached;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto found = state_->entries.find(settings);
    if (found != state_->entries.end() && !found->second.token.empty() &&
        now < found->second.fresh_until) {
      cached = found->second.token;
    } else if (found != state_->entries.end() && found->second.fetching) {
      found->second.waiting.push_back(std::move(done));
      return;
    } else {
      state_->forget_stale(now);
      State::Entry& entry = state_->entries[settings];
      entry.fetching = true;
      entry.waiting.push_back(std::move(done));
    }
  }
  if (!cached.empty()) {
    done(TokenOutcome{std::move(cached), {}});
    return;
  }
  // Outside the lock: a Send that completes at once (a test's, or a stopped engine's) calls back.
  state_->send(std::make_shared<const ProbeRequest>(
                   make_token_request(settings, timeout, state_->user_agent)),
               [state = state_, settings, now](ProbeResult result) {
                 state->fetched(settings, now, result);
               });
}

void TokenCache::invalidate(const OAuth2Settings& settings, const std::string& token) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto found = state_->entries.find(settings);
  if (found != state_->entries.end() && found->second.token == token) found->second.token.clear();
}

TokenRequestCounts TokenCache::counts() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->counts;
}

}  // namespace epsitter
