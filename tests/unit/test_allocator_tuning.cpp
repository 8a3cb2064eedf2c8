// Unit test for tune_allocator: every thread gets a malloc arena of its own, so that a reload's
// parse thread never shares one with a probing thread (see allocator_tuning.hpp).
#include <malloc.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "os/allocator_tuning.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define EPSITTER_SANITIZED_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EPSITTER_SANITIZED_MALLOC 1
#endif

#ifndef EPSITTER_SANITIZED_MALLOC
namespace {

// glibc's arenas, as malloc_info(3) lists them: one <heap nr="..."> element each.
int arena_count() {
  char* text = nullptr;
  std::size_t size = 0;
  FILE* stream = open_memstream(&text, &size);
  REQUIRE(stream != nullptr);
  REQUIRE(malloc_info(0, stream) == 0);
  std::fclose(stream);
  const std::string info{text, size};
  std::free(text);  // NOLINT: open_memstream's buffer is malloc'd
  int count = 0;
  for (std::size_t at = info.find("<heap nr="); at != std::string::npos;
       at = info.find("<heap nr=", at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace
#endif

TEST_CASE("after tune_allocator, threads beyond glibc's 8 arenas per core get their own",
          "[os]") {
#ifdef EPSITTER_SANITIZED_MALLOC
  WARN("a sanitizer's allocator replaces glibc's here: nothing to check");
  return;
#else
  epsitter::tune_allocator();
  // More threads than glibc's default cap (8 per core) would give arenas to, within ours.
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const int threads = static_cast<int>(std::min(8U * cores + 8U, 100U));
  std::mutex mutex;
  std::condition_variable all_allocated;
  int allocated = 0;
  bool release = false;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      const auto held = std::make_unique<char[]>(64);  // the thread's first malloc picks its arena
      std::unique_lock<std::mutex> lock{mutex};
      ++allocated;
      all_allocated.notify_all();
      all_allocated.wait(lock, [&] { return release; });
    });
  }
  {
    std::unique_lock<std::mutex> lock{mutex};
    all_allocated.wait(lock, [&] { return allocated == threads; });
  }
  const int arenas = arena_count();
  {
    const std::lock_guard<std::mutex> lock{mutex};
    release = true;
  }
  all_allocated.notify_all();
  for (auto& thread : pool) thread.join();
  // Each of them, the main thread's, and Catch's: at least one per thread started.
  CHECK(arenas > threads);
#endif
}
