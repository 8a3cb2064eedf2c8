// Names and priorities of epsitter's own threads, as `top -H` and /proc/PID/task show them.
#pragma once

#include <string>

namespace epsitter {

// Names the calling thread; Linux keeps the first 15 bytes. Best effort: a name is a courtesy to
// whoever reads `top -H`, never a reason to fail.
void name_this_thread(const std::string& name);

// Lowers the calling thread's scheduling priority by `steps` nice steps. Linux's nice value
// belongs to the thread, not the process, and threads created afterwards by this one inherit it.
// Lowering needs no privilege (raising would). Returns an empty string, or why it failed.
std::string lower_this_thread_priority(int steps);

}  // namespace epsitter
