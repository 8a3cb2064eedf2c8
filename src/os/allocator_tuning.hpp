// How glibc's malloc hands memory back: tuned for a daemon whose big buffers come and go.
#pragma once

namespace epsitter {

// Buffers of hundreds of KB to MBs come and go on several threads, each with its own malloc arena:
// at 10,000 targets a scrape's render chunks (256 KiB) and compressed exposition (~1.7 MB) on the
// metrics actor's thread and its render helper, the status page's snapshot, a reload's YAML tree.
// glibc's default raises its mmap threshold to the size of the largest such buffer once freed,
// after which they are carved from the arenas, whose freed tops stay resident (when a scrape still
// held its whole text, RSS grew by about 40 MiB per scrape). A fixed threshold keeps every buffer
// above it in mmap'd memory that free() returns at once. Call before any thread starts.
void tune_allocator();

// Hands the free pages of every malloc arena back to the system (glibc's malloc_trim). For after a
// burst of small allocations on one thread (below the mmap threshold, so in its arena): their pages
// stay resident, and other threads, allocating from other arenas, cannot reuse them. It walks every
// arena (0.3-0.7 ms after a render of 10,000 targets): call it after such a burst, not routinely.
void return_free_memory();

}  // namespace epsitter
