// The status page (GET /) and its JSON API (GET /api/v1/targets, /api/v1/targets/NAME).
#include "web/status_routes.hpp"

#include <memory>
#include <string>
#include <string_view>

#include "status/status_json.hpp"
#include "status/status_page.hpp"

namespace epsitter {

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json";
// Everything the page needs is inline; nothing may be loaded from anywhere, not even from here.
constexpr const char* kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

HttpResponse with_body(int status, const char* content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = content_type;
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

HttpResponse unavailable(const char* content_type) {
  if (std::string_view(content_type) == kJson) {
    return with_body(503, kJson, render_json_error("status not available yet"));
  }
  return HttpResponse::text(503, "status not available yet\n");
}

// ?history=0 (or false) leaves the per-target history out of the list.
bool wants_history(std::string_view query) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    if (pair == "history=0" || pair == "history=false") return false;
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return true;
}

}  // namespace

std::vector<Route> make_status_routes(const StatusSource& source,
                                      std::function<std::string()> shard) {
  auto page = [source, shard = std::move(shard)](const HttpRequest&) {
    const StatusSnapshotPtr snapshot = source();
    if (!snapshot) return unavailable(kHtml);
    HttpResponse response = with_body(
        200, kHtml, render_status_page(*snapshot, WallClock::now(), shard ? shard() : ""));
    response.headers.emplace_back("Content-Security-Policy", kPagePolicy);
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
  };
  auto list = [source](const HttpRequest& request) {
    const StatusSnapshotPtr snapshot = source();
    if (!snapshot) return unavailable(kJson);
    return with_body(
        200, kJson, render_targets_json(*snapshot, WallClock::now(), wants_history(request.query)));
  };
  auto one = [source](const HttpRequest& request) {
    const StatusSnapshotPtr snapshot = source();
    if (!snapshot) return unavailable(kJson);
    const TargetStatus* target = snapshot->find(request.subpath);
    if (target == nullptr) {
      return with_body(404, kJson,
                       render_json_error("no target named \"" + request.subpath + "\""));
    }
    return with_body(200, kJson, render_target_json(*target, WallClock::now()));
  };
  std::vector<Route> routes;
  routes.push_back(Route{"/", {"GET"}, std::move(page)});
  routes.push_back(Route{"/api/v1/targets", {"GET"}, std::move(list)});
  routes.push_back(Route{"/api/v1/targets/", {"GET"}, std::move(one), true});
  return routes;
}

}  // namespace epsitter
