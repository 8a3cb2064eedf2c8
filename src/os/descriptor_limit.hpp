// Raises the soft limit on open file descriptors to the hard limit, so that many targets fit.
#pragma once

#include <string>

namespace epsitter {

struct DescriptorLimit {
  unsigned long long soft_before = 0;
  unsigned long long soft = 0;  // in force now
  unsigned long long hard = 0;
  std::string error;  // why the limit could not be read or raised; empty on success
};

// Every probe in flight holds a socket, so the default soft limit (often 1024) would cap the
// targets one process can probe at once; the hard limit is what the administrator allows. Safe
// because nothing in epsitter uses select(), whose FD_SETSIZE would break above 1024.
DescriptorLimit raise_descriptor_limit();

}  // namespace epsitter
