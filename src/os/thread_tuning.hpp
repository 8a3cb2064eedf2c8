// Names and priorities of epsitter's own threads, as `top -H` and /proc/PID/task show them.
#pragma once

#include <future>
#include <string>
#include <utility>

namespace epsitter {

// Names the calling thread; Linux keeps the first 15 bytes. Best effort: a name is a courtesy to
// whoever reads `top -H`, never a reason to fail.
void name_this_thread(const std::string& name);

// Lowers the calling thread's scheduling priority by `steps` nice steps. Linux's nice value
// belongs to the thread, not the process, and threads created afterwards by this one inherit it.
// Lowering needs no privilege (raising would). Returns an empty string, or why it failed.
std::string lower_this_thread_priority(int steps);

// Runs `work` on a thread of its own, named `name` and `steps` nice steps lower, and waits for its
// result (or rethrows what it threw): for a burst of CPU work asked for by a thread that must keep
// its own priority, since a thread cannot raise its priority back without privilege.
template <typename Work>
auto run_at_lower_priority(const std::string& name, int steps, Work&& work) {
  return std::async(std::launch::async,
                    [&name, steps, &work] {
                      name_this_thread(name);
                      (void)lower_this_thread_priority(steps);
                      return std::forward<Work>(work)();
                    })
      .get();
}

}  // namespace epsitter
