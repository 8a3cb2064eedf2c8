// Rendezvous (highest random weight) hashing: which of N replicas probes a target, by its name.
#pragma once

#include <cstdint>
#include <string_view>

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

}  // namespace epsitter
