// GET /api/v1/shard: how this replica shares the targets (static shard or live Lease members).
#include "web/shard_route.hpp"

#include <memory>
#include <utility>

namespace epsitter {

Route make_shard_route(std::function<std::string()> render) {
  Route route;
  route.path = "/api/v1/shard";
  route.methods = {"GET"};
  route.handler = [render = std::move(render)](const HttpRequest&) {
    HttpResponse response;
    response.content_type = "application/json";
    response.body = std::make_shared<const std::string>(render());
    return response;
  };
  return route;
}

}  // namespace epsitter
