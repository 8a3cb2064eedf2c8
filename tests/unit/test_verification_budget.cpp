// Unit tests for the bound on password-check CPU: concurrency and a bucket of CPU time.
#include <catch2/catch.hpp>
#include <optional>
#include <vector>

#include "web/verification_budget.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("no more checks run at once than allowed", "[verification_budget]") {
  Clock::time_point now{};
  VerificationBudget budget{{2, 0.25, 2000ms}, [&] { return now; }};
  auto first = budget.try_start();
  auto second = budget.try_start();
  CHECK(first);
  CHECK(second);
  CHECK_FALSE(budget.try_start());
  first.reset();
  CHECK(budget.try_start());
}

TEST_CASE("checks stop when their time has used the bucket, and resume as it refills",
          "[verification_budget]") {
  Clock::time_point now{};
  VerificationBudget budget{{2, 0.25, 2000ms}, [&] { return now; }};
  int ran = 0;
  while (auto ticket = budget.try_start()) {
    now += 100ms;  // each check takes 100 ms
    ++ran;
    REQUIRE(ran < 100);
  }
  // 2 s of burst, refilled by 25 ms for every 100 ms spent: about 27 checks.
  CHECK(ran >= 26);
  CHECK(ran <= 28);
  now += 1s;  // 250 ms more: a few checks, then none again
  int more = 0;
  while (auto ticket = budget.try_start()) {
    now += 100ms;
    ++more;
    REQUIRE(more < 100);
  }
  CHECK(more >= 2);
  CHECK(more <= 4);
  // Over a long flood the share holds: 60 s of trying buys about 15 s of checks.
  Clock::duration spent{};
  const auto flood_end = now + 60s;
  while (now < flood_end) {
    if (auto ticket = budget.try_start()) {
      now += 100ms;
      spent += 100ms;
    } else {
      now += 10ms;
    }
  }
  CHECK(spent >= 14s);
  CHECK(spent <= 16s);
}
