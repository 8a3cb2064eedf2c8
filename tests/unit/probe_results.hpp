// Probe results as the unit tests build them: an outcome, a status and a duration, the rest left
// at its default.
#pragma once

#include "probe/probe_result.hpp"

namespace epsitter::testing {

inline ProbeResult result(ProbeError error, int status, double seconds) {
  ProbeResult probe;
  probe.error = error;
  probe.status_code = status;
  probe.duration_seconds = seconds;
  return probe;
}

}  // namespace epsitter::testing
