// Rendezvous (highest random weight) hashing: which of N replicas probes a target, by its name.
#include "sharding/rendezvous.hpp"

namespace epsitter {

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::uint64_t mix64(std::uint64_t value) {
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::uint64_t shard_weight(std::string_view name, int index) {
  return mix64(fnv1a64(name) ^ mix64(static_cast<std::uint64_t>(index) + 1));
}

int shard_of(std::string_view name, int count) {
  // FNV-1a once, not once per shard: this runs for every target on every change.
  const std::uint64_t hash = fnv1a64(name);
  int best = 0;
  std::uint64_t best_weight = 0;
  for (int index = 0; index < count; ++index) {
    const std::uint64_t weight = mix64(hash ^ mix64(static_cast<std::uint64_t>(index) + 1));
    if (index == 0 || weight > best_weight) {
      best = index;
      best_weight = weight;
    }
  }
  return best;
}

}  // namespace epsitter
