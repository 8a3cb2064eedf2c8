// Fixes glibc malloc's mmap threshold and trims its arenas (see allocator_tuning.hpp).
#include "os/allocator_tuning.hpp"

#include <malloc.h>

namespace epsitter {

namespace {
// Above a target's share of any buffer, below the exposition and page buffers of a few targets.
constexpr int kMmapThresholdBytes = 256 * 1024;
}  // namespace

void tune_allocator() {
  // Setting it also stops glibc's dynamic adjustment of the threshold and of M_TRIM_THRESHOLD.
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
}

void return_free_memory() {
  malloc_trim(0);  // 0: keep no padding at the top of the main arena
}

}  // namespace epsitter
