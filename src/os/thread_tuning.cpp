// Names and priorities of epsitter's own threads.
#include "os/thread_tuning.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <cerrno>
#include <system_error>

namespace epsitter {

void name_this_thread(const std::string& name) {
  constexpr std::size_t kLinuxNameBytes = 15;  // plus the terminating NUL: 16
  (void)pthread_setname_np(pthread_self(), name.substr(0, kLinuxNameBytes).c_str());
}

std::string lower_this_thread_priority(int steps) {
  // getpriority() may return -1 as a valid nice value: errno tells an error apart.
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, 0);
  if (current == -1 && errno != 0) {
    return "getpriority: " + std::generic_category().message(errno);
  }
  // PRIO_PROCESS with 0 is the calling thread on Linux (setpriority(2), "BUGS").
  if (setpriority(PRIO_PROCESS, 0, current + steps) != 0) {
    return "setpriority: " + std::generic_category().message(errno);
  }
  return {};
}

}  // namespace epsitter
