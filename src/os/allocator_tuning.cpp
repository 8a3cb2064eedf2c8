// Fixes glibc malloc's mmap threshold and arena count, and trims its arenas (see
// allocator_tuning.hpp).
#include "os/allocator_tuning.hpp"

#include <malloc.h>

#include <cstdlib>

namespace epsitter {

namespace {
// Above a target's share of any buffer, below the exposition and page buffers of a few targets.
constexpr int kMmapThresholdBytes = 256 * 1024;
// Well above epsitter's threads (about 60: CivetWeb's 48 workers, CAF's POOL_SIZE + 2, the engine,
// the metrics actor, the watchers, a reload's parse). An arena that is never used costs nothing;
// one a thread used keeps the free pages of that thread's own bursts, which return_free_memory
// hands back.
constexpr int kArenaMax = 128;
}  // namespace

void tune_allocator() {
  // Setting it also stops glibc's dynamic adjustment of the threshold and of M_TRIM_THRESHOLD.
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, kArenaMax);
}

void return_free_memory() {
  malloc_trim(0);  // 0: keep no padding at the top of the main arena
}

}  // namespace epsitter
