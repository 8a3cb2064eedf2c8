// The /metrics route: concatenates the exposition text of every source, in order.
#include "web/metrics_route.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

Route make_metrics_route(std::vector<ExpositionSource> sources) {
  auto handler = [sources = std::move(sources)](const HttpRequest&) -> HttpResponse {
    std::vector<std::shared_ptr<const std::string>> parts;
    parts.reserve(sources.size());
    for (const auto& source : sources) parts.push_back(source());
    if (parts.empty() || !parts.front()) {
      return HttpResponse::text(503, "metrics not available yet\n");
    }
    HttpResponse response;
    response.content_type = kExpositionContentType;
    if (parts.size() == 1) {
      response.body = parts.front();  // the common case: no copy
    } else {
      std::string text;
      for (const auto& part : parts) {
        if (part) text += *part;
      }
      response.body = std::make_shared<const std::string>(std::move(text));
    }
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
