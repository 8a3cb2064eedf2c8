// Rendezvous (highest random weight) hashing: which of N replicas probes a target, by its name,
// with replicas numbered (static SHARD_COUNT) or named (the live members of a Lease group).
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

std::uint64_t member_weight(std::string_view name, std::string_view member) {
  return mix64(fnv1a64(name) ^ mix64(fnv1a64(member)));
}

const std::string* owner_of(std::string_view name, const std::vector<std::string>& members) {
  const std::uint64_t hash = fnv1a64(name);
  const std::string* best = nullptr;
  std::uint64_t best_weight = 0;
  for (const std::string& member : members) {
    const std::uint64_t weight = mix64(hash ^ mix64(fnv1a64(member)));
    if (best == nullptr || weight > best_weight || (weight == best_weight && member < *best)) {
      best = &member;
      best_weight = weight;
    }
  }
  return best;
}

bool Ownership::owns(std::string_view name) const {
  if (!by_members) return shard.count <= 1 || shard_of(name, shard.count) == shard.index;
  const std::string* owner = owner_of(name, members);
  return owner != nullptr && *owner == self;
}

}  // namespace epsitter
