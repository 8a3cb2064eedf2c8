// Unit tests for rendezvous hashing: a stable hash, balanced shards, and few moves on a resize.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sharding/rendezvous.hpp"

using namespace epsitter;

namespace {

std::vector<std::string> target_names(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i)
    names.push_back("namespace-" + std::to_string(i % 7) + "/svc-" + std::to_string(i));
  return names;
}

}  // namespace

TEST_CASE("FNV-1a 64 gives the published test vectors", "[rendezvous]") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("the assignment is pinned: every build and replica computes the same", "[rendezvous]") {
  // Golden values: a change here would reshuffle every running fleet's targets on upgrade.
  CHECK(shard_weight("shop/web", 0) == mix64(fnv1a64("shop/web") ^ mix64(1)));
  CHECK(mix64(0) == 0);
  CHECK(mix64(1) == 0x5692161d100b05e5ULL);
  CHECK(shard_of("shop/web", 3) == 1);
  CHECK(shard_of("billing/api", 5) == 1);
  CHECK(shard_of("a", 3) == 2);
  CHECK(shard_of("orders_health", 2) == 0);
  CHECK(shard_of("orders_health", 4) == 2);
  CHECK(shard_of("anything", 1) == 0);
}

TEST_CASE("every target lands on exactly one shard, and the shards are balanced", "[rendezvous]") {
  const auto names = target_names(12'000);
  for (const int count : {2, 3, 4, 7}) {
    std::vector<int> per_shard(count, 0);
    for (const auto& name : names) {
      const int shard = shard_of(name, count);
      REQUIRE(shard >= 0);
      REQUIRE(shard < count);
      ++per_shard[shard];
    }
    const double expected = static_cast<double>(names.size()) / count;
    for (const int held : per_shard) {
      CHECK(held > expected * 0.9);
      CHECK(held < expected * 1.1);
    }
  }
}

TEST_CASE("going from N to N+1 shards moves about 1/(N+1) of the targets, all to the new shard",
          "[rendezvous]") {
  const auto names = target_names(12'000);
  for (const int count : {1, 2, 3, 4, 9}) {
    int moved = 0;
    for (const auto& name : names) {
      const int before = shard_of(name, count);
      const int after = shard_of(name, count + 1);
      if (before == after) continue;
      ++moved;
      CHECK(after == count);  // never between two old shards
    }
    const double expected = static_cast<double>(names.size()) / (count + 1);
    CHECK(moved > expected * 0.9);
    CHECK(moved < expected * 1.1);
  }
}
