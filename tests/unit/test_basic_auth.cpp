// Unit tests for basic auth: bcrypt, the cache of right credentials, and the CPU bound.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "web/basic_auth.hpp"
#include "web/bcrypt.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

namespace {

// bcrypt of "secret" at cost 4, made by Python's crypt module (libxcrypt).
const std::string kSecretHash = "$2b$04$7ur4Vpbcmyo5JSlJe/YeQep6Qf8d2aWEMl.JuS56fWEgflk1HpBv6";

constexpr const char* kRight = "Basic cHJvbWV0aGV1czpzZWNyZXQ=";  // prometheus:secret
constexpr const char* kWrong = "Basic cHJvbWV0aGV1czp3cm9uZw==";  // prometheus:wrong
constexpr const char* kStranger = "Basic bWFsbG9yeTpzZWNyZXQ=";   // mallory:secret

struct Counted {
  int runs = 0;
  std::chrono::steady_clock::time_point now{};
  BasicAuth auth;

  explicit Counted(VerificationBudget::Limits limits = {})
      : auth(
            {{"prometheus", kSecretHash}}, limits,
            [this](const std::string& password, const std::string& hash) {
              ++runs;
              now += 50ms;
              return bcrypt_matches(password, hash);
            },
            [this] { return now; }) {}
};

}  // namespace

TEST_CASE("bcrypt checks $2b$ and $2y$ hashes", "[basic_auth]") {
  CHECK(bcrypt_matches("secret", kSecretHash));
  CHECK(bcrypt_matches("secret", "$2y$" + kSecretHash.substr(4)));
  CHECK_FALSE(bcrypt_matches("Secret", kSecretHash));
  CHECK_FALSE(bcrypt_matches(std::string("secret\0x", 8), kSecretHash));
  CHECK_FALSE(bcrypt_matches("secret", "$2b$04$short"));
}

TEST_CASE("right credentials are allowed and then served from the cache", "[basic_auth]") {
  Counted counted;
  CHECK(counted.auth.check(kRight) == BasicAuth::Verdict::allowed);
  CHECK(counted.auth.check(kRight) == BasicAuth::Verdict::allowed);
  CHECK(counted.auth.check(kRight) == BasicAuth::Verdict::allowed);
  CHECK(counted.runs == 1);
}

TEST_CASE("wrong, unknown and missing credentials are refused", "[basic_auth]") {
  Counted counted;
  CHECK(counted.auth.check(kWrong) == BasicAuth::Verdict::refused);
  CHECK(counted.auth.check(kWrong) == BasicAuth::Verdict::refused);
  CHECK(counted.runs == 2);  // a wrong password is never remembered
  // A user that does not exist costs a bcrypt run too: its 401 takes as long.
  CHECK(counted.auth.check(kStranger) == BasicAuth::Verdict::refused);
  CHECK(counted.runs == 3);
  CHECK(counted.auth.check(nullptr) == BasicAuth::Verdict::refused);
  CHECK(counted.auth.check("Bearer abc") == BasicAuth::Verdict::refused);
  CHECK(counted.runs == 3);
}

TEST_CASE("a flood of wrong passwords is cut off, but the cached right one still passes",
          "[basic_auth]") {
  Counted counted{{2, 0.25, 500ms}};
  CHECK(counted.auth.check(kRight) == BasicAuth::Verdict::allowed);
  int busy = 0;
  for (int i = 0; i < 100; ++i) {
    if (counted.auth.check(kWrong) == BasicAuth::Verdict::busy) ++busy;
  }
  CHECK(counted.runs <= 15);  // 500 ms of burst, 50 ms per check, refilled by 12.5 ms each
  CHECK(busy > 85);
  CHECK(counted.auth.check(kRight) == BasicAuth::Verdict::allowed);
}
