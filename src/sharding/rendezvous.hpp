// Rendezvous (highest random weight) hashing: which of N replicas probes a target, by its name,
// with replicas numbered (static SHARD_COUNT) or named (the live members of a Lease group).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace epsitter {

// 64-bit FNV-1a of the bytes of `text`: offset basis 14695981039346656037, prime 1099511628211.
// Spelt out here (not std::hash) so that every build and every replica agrees on it.
std::uint64_t fnv1a64(std::string_view text);

// The splitmix64 finaliser: a bijective mix that spreads every input bit over the output.
std::uint64_t mix64(std::uint64_t value);

// The weight of `name` on shard `index`: mix64(fnv1a64(name) XOR mix64(index + 1)).
std::uint64_t shard_weight(std::string_view name, int index);

// The shard in [0, count) with the highest weight for `name` (the lowest index on a tie). Every
// replica computes the same answer on its own, and going from N to N+1 shards moves only the names
// whose new shard N outweighs their old one: about 1/(N+1) of them, all to shard N.
int shard_of(std::string_view name, int count);

// The weight of target `name` on the member named `member`: mix64(fnv1a64(name) XOR
// mix64(fnv1a64(member))).
std::uint64_t member_weight(std::string_view name, std::string_view member);

// The member with the highest weight for `name` (the smallest name on a tie); nullptr when there
// are none. A member joining takes only the names it now outweighs; one leaving gives away only
// its own, each to the member that was second for it.
const std::string* owner_of(std::string_view name, const std::vector<std::string>& members);

// Which targets this replica probes: a static shard, or its share among the live members.
struct Ownership {
  Shard shard;
  bool by_members = false;           // membership mode: `shard` is not used
  std::string self;                  // this replica's member name
  std::vector<std::string> members;  // the live members; empty: this replica owns nothing

  bool owns(std::string_view name) const;
};

}  // namespace epsitter
