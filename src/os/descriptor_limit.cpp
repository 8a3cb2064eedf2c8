// Raises the soft limit on open file descriptors to the hard limit, so that many targets fit.
#include "os/descriptor_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <system_error>

namespace epsitter {

DescriptorLimit raise_descriptor_limit() {
  DescriptorLimit result;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    result.error = "getrlimit: " + std::generic_category().message(errno);
    return result;
  }
  result.soft_before = result.soft = limit.rlim_cur;
  result.hard = limit.rlim_max;
  if (limit.rlim_cur == limit.rlim_max) return result;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    result.error = "setrlimit: " + std::generic_category().message(errno);
    return result;
  }
  result.soft = raised.rlim_cur;
  return result;
}

}  // namespace epsitter
