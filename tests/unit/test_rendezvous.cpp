// Unit tests for rendezvous hashing: a stable hash, balanced shards, and few moves on a resize.
#include <catch2/catch.hpp>
#include <map>
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

TEST_CASE("named members: every target has one owner, and a join or leave moves only its share",
          "[rendezvous]") {
  const std::vector<std::string> names = target_names(3000);
  const std::vector<std::string> three{"sitter-a", "sitter-b", "sitter-c"};
  const std::vector<std::string> four{"sitter-a", "sitter-b", "sitter-c", "sitter-d"};
  const std::vector<std::string> two{"sitter-a", "sitter-c"};
  std::map<std::string, int> share;
  int moved_to_d = 0;
  int moved_elsewhere = 0;
  int moved_on_leave = 0;
  for (const std::string& name : names) {
    const std::string owner = *owner_of(name, three);
    ++share[owner];
    // The order of the list does not matter: each replica may see it in its own order.
    const std::vector<std::string> reversed{three.rbegin(), three.rend()};
    CHECK(*owner_of(name, reversed) == owner);
    const std::string with_d = *owner_of(name, four);
    if (with_d == "sitter-d")
      ++moved_to_d;
    else if (with_d != owner)
      ++moved_elsewhere;
    const std::string without_b = *owner_of(name, two);
    if (without_b != owner) {
      ++moved_on_leave;
      CHECK(owner == "sitter-b");  // only b's targets move when b leaves
    }
    // Ownership agrees with owner_of, for exactly one member.
    int owners = 0;
    for (const std::string& self : three) {
      Ownership ownership;
      ownership.by_members = true;
      ownership.self = self;
      ownership.members = three;
      owners += ownership.owns(name) ? 1 : 0;
    }
    CHECK(owners == 1);
  }
  CHECK(moved_elsewhere == 0);
  CHECK(moved_to_d > 3000 / 4 * 8 / 10);
  CHECK(moved_to_d < 3000 / 4 * 12 / 10);
  CHECK(moved_on_leave == share["sitter-b"]);
  for (const auto& [member, count] : share) {
    CAPTURE(member);
    CHECK(count > 800);
    CHECK(count < 1200);
  }
  CHECK(owner_of("x", {}) == nullptr);
  Ownership nothing;
  nothing.by_members = true;
  nothing.self = "sitter-a";
  CHECK_FALSE(nothing.owns("x"));  // no live members (the lease lost): this replica probes nothing
}
