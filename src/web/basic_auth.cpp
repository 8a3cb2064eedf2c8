// Basic auth against the web config's bcrypt users, cheap for a client that keeps sending the same
// right credentials (Prometheus, on every scrape).
#include "web/basic_auth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <utility>

#include "web/basic_credentials.hpp"
#include "web/bcrypt.hpp"

namespace epsitter {

BasicAuth::BasicAuth(std::map<std::string, std::string> users, VerificationBudget::Limits limits,
                     Verify verify, VerificationBudget::Clock now)
    : users_(std::move(users)), verify_(std::move(verify)), budget_(limits, std::move(now)) {
  if (users_.empty()) throw std::invalid_argument("BasicAuth needs at least one user");
  std::array<unsigned char, 32> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("no random bytes for the credential cache");
  }
  salt_.assign(salt.begin(), salt.end());
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users)
    : BasicAuth(std::move(users), VerificationBudget::Limits{}, bcrypt_matches,
                [] { return std::chrono::steady_clock::now(); }) {}

BasicAuth::Verdict BasicAuth::check(const char* authorization) {
  const std::optional<BasicCredentials> credentials = parse_basic_authorization(authorization);
  if (!credentials) return Verdict::refused;
  const std::string key = fingerprint(*credentials);
  if (remembered(key)) return Verdict::allowed;
  // An unknown user costs the same bcrypt run as a known one (against another user's hash), so
  // that the time of a 401 does not tell which user names exist.
  const auto user = users_.find(credentials->user);
  const std::string& hash = user != users_.end() ? user->second : users_.begin()->second;
  const std::optional<VerificationBudget::Ticket> ticket = budget_.try_start();
  if (!ticket) return Verdict::busy;
  const bool matches = verify_(credentials->password, hash);
  if (!matches || user == users_.end()) return Verdict::refused;
  remember(key);
  return Verdict::allowed;
}

std::string BasicAuth::fingerprint(const BasicCredentials& credentials) const {
  // The user's length first, so that no other user and password run together the same way.
  std::string text = salt_ + std::to_string(credentials.user.size()) + ":" + credentials.user +
                     credentials.password;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  OPENSSL_cleanse(text.data(), text.size());
  return std::string(digest.begin(), digest.begin() + size);
}

bool BasicAuth::remembered(const std::string& fingerprint) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return remembered_.count(fingerprint) > 0;
}

void BasicAuth::remember(const std::string& fingerprint) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!remembered_.insert(fingerprint).second) return;
  remembered_order_.push_back(fingerprint);
  if (remembered_order_.size() > kRemembered) {
    remembered_.erase(remembered_order_.front());
    remembered_order_.pop_front();
  }
}

}  // namespace epsitter
