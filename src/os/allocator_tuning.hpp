// How glibc's malloc hands memory back and shares its arenas: tuned for a daemon whose big buffers
// come and go and whose background work must not stall its probing threads.
#pragma once

namespace epsitter {

// Two settings, made before any thread starts:
// - A fixed mmap threshold. Buffers of hundreds of KB to MBs come and go on several threads: at
//   10,000 targets a scrape's render chunks (256 KiB) and compressed exposition (~1.7 MB), the
//   status page's snapshot, a reload's YAML tree. glibc's default raises its mmap threshold to
//   the size of the largest such buffer once freed, after which they are carved from the arenas,
//   whose freed tops stay resident (when a scrape still held its whole text, RSS grew by about
//   40 MiB per scrape). A fixed threshold keeps every buffer above it in mmap'd memory that
//   free() returns at once.
// - An arena for every thread. glibc caps its arenas at 8 per core (16 on 2 cores) and makes the
//   threads beyond the cap share them; epsitter has about 60 threads (CivetWeb's workers alone
//   are 48), so a reload's parse thread (at a lower priority, allocating a YAML tree of ~100 MB)
//   could share the arena of the probe engine or a scheduler worker, which then waited on its
//   lock. At 10,000 probes a second on 2 cores, probes started 46-246 ms late (p99) while
//   reloads ran in 4 of 5 runs; with an arena per thread, 4.9-6.4 ms in 5 of 5 (bench/RESULTS.md,
//   reloads). MALLOC_ARENA_MAX in the environment, if set, still decides.
void tune_allocator();

// Hands the free pages of every malloc arena back to the system (glibc's malloc_trim). For after a
// burst of small allocations on one thread (below the mmap threshold, so in its arena): their pages
// stay resident, and other threads, allocating from other arenas, cannot reuse them. It walks every
// arena (0.3-0.7 ms after a render of 10,000 targets): call it after such a burst, not routinely.
void return_free_memory();

}  // namespace epsitter
