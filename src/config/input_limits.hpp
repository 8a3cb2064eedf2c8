// How much outside input epsitter takes in at most: the config file and the Kubernetes annotations
// are read, parsed and expanded only up to these limits, which are checked before the memory is
// spent. A config that passes one is a config error; an annotation that does, an object error.
#pragma once

#include <cstddef>

namespace epsitter {

// The config file itself. 10,000 targets take about 0.8 MiB.
inline constexpr std::size_t kMaxConfigFileBytes = 16 << 20;

// The config once every YAML alias (*name) is expanded, every ${VAR} replaced and every
// `defaults:` field copied into the targets that inherit it: the text it holds, and its values
// (scalars, lists and maps). yaml-cpp spends about 470 bytes per value it builds, so the values
// bound the parse too; 10,000 plain targets hold about 80,000.
inline constexpr std::size_t kMaxConfigExpandedBytes = 16 << 20;
inline constexpr std::size_t kMaxConfigExpandedValues = 1'000'000;

// One epsitter.io/ annotation's value as written, and once its aliases are expanded (the
// structured ones are YAML). Kubernetes allows 256 KiB for all of an object's annotations.
inline constexpr std::size_t kMaxAnnotationBytes = 16 << 10;
inline constexpr std::size_t kMaxAnnotationExpandedBytes = 64 << 10;
inline constexpr std::size_t kMaxAnnotationExpandedValues = 10'000;

// The values of one expect_json `in` list: each probe compares the value found with each of them.
inline constexpr std::size_t kMaxJsonInValues = 1'000;

}  // namespace epsitter
