// The operating endpoints: GET /-/healthy (liveness), GET /-/ready (readiness), POST /-/reload.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "web/route.hpp"

namespace epsitter {

struct ReloadAnswer {
  bool ok = false;
  std::string message;  // what changed, or why the new config was refused
};

// What the endpoints ask the rest of epsitter; each is called on a CivetWeb worker thread.
struct Operations {
  std::function<bool()> healthy;  // the process still schedules work
  std::function<bool()> ready;    // a valid config is applied and probes are scheduled
  std::function<ReloadAnswer()> reload;
};

// 200 or 503 for the two probes; 200 or 500 (with the error) for a reload. Other methods get 405.
// The probes are health routes (answered whatever else holds the port), the reload an action (it
// needs the X-Epsitter-Reload header; see cross_site.hpp).
std::vector<Route> make_operation_routes(Operations operations);

}  // namespace epsitter
