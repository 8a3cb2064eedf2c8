// The operating endpoints: GET /-/healthy (liveness), GET /-/ready (readiness), POST /-/reload.
#include "web/operations_routes.hpp"

#include <utility>

namespace epsitter {

std::vector<Route> make_operation_routes(Operations operations) {
  auto healthy = [check = std::move(operations.healthy)](const HttpRequest&) {
    return check()
               ? HttpResponse::text(200, "epsitter is healthy.\n")
               : HttpResponse::text(503, "epsitter is not healthy: its actors do not answer.\n");
  };
  auto ready = [check = std::move(operations.ready)](const HttpRequest&) {
    return check()
               ? HttpResponse::text(200, "epsitter is ready.\n")
               : HttpResponse::text(503, "epsitter is not ready: no valid config applied yet.\n");
  };
  auto reload = [run = std::move(operations.reload)](const HttpRequest&) {
    const ReloadAnswer answer = run();
    return answer.ok ? HttpResponse::text(200, "config reloaded: " + answer.message + "\n")
                     : HttpResponse::text(500, "config reload failed: " + answer.message + "\n");
  };
  std::vector<Route> routes;
  routes.push_back(Route{"/-/healthy", {"GET"}, std::move(healthy), false, RouteKind::health});
  routes.push_back(Route{"/-/ready", {"GET"}, std::move(ready), false, RouteKind::health});
  routes.push_back(Route{"/-/reload", {"POST"}, std::move(reload), false, RouteKind::action});
  return routes;
}

}  // namespace epsitter
