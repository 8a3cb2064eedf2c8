// Basic auth against the web config's bcrypt users, cheap for a client that keeps sending the same
// right credentials (Prometheus, on every scrape).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_set>

#include "web/verification_budget.hpp"

namespace epsitter {

struct BasicCredentials;

class BasicAuth {
 public:
  enum class Verdict {
    allowed,
    refused,  // 401: missing, malformed or wrong credentials
    busy,     // 503: the check could not run now (see VerificationBudget)
  };
  using Verify = std::function<bool(const std::string& password, const std::string& hash)>;

  // `users`: user -> bcrypt hash, not empty. `verify` is bcrypt_matches but for tests.
  BasicAuth(std::map<std::string, std::string> users, VerificationBudget::Limits limits,
            Verify verify, VerificationBudget::Clock now);
  explicit BasicAuth(std::map<std::string, std::string> users);

  // `authorization`: the Authorization header's value, or nullptr. Thread-safe.
  Verdict check(const char* authorization);

  // Credentials that passed bcrypt are remembered (as a salted SHA-256, never as text), at most
  // this many, the oldest forgotten first: Prometheus and a few people need a handful.
  static constexpr std::size_t kRemembered = 64;

 private:
  std::string fingerprint(const BasicCredentials& credentials) const;
  bool remembered(const std::string& fingerprint);
  void remember(const std::string& fingerprint);

  const std::map<std::string, std::string> users_;
  const Verify verify_;
  VerificationBudget budget_;
  std::string salt_;  // random per process: fingerprints mean nothing outside it
  std::mutex mutex_;
  std::unordered_set<std::string> remembered_;
  std::deque<std::string> remembered_order_;
};

}  // namespace epsitter
