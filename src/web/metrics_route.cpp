// The /metrics route: concatenates the exposition text of every source, in order, and gzips it for
// scrapers that accept it (Prometheus always does).
#include "web/metrics_route.hpp"

#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

std::shared_ptr<const std::string> concatenate(
    const std::vector<std::shared_ptr<const std::string>>& parts) {
  if (parts.size() == 1) return parts.front();  // the common case: no copy
  std::string text;
  for (const auto& part : parts) {
    if (part) text += *part;
  }
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

Route make_metrics_route(std::vector<ExpositionSource> sources) {
  auto handler = [sources = std::move(sources)](const HttpRequest& request) {
    std::vector<std::shared_ptr<const std::string>> parts;
    parts.reserve(sources.size());
    for (const auto& source : sources) parts.push_back(source());
    if (parts.empty() || !parts.front()) {
      return HttpResponse::text(503, "metrics not available yet\n");
    }
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.headers.emplace_back("Vary", "Accept-Encoding");
    const char* accept_encoding = request.header ? request.header("Accept-Encoding") : nullptr;
    if (accept_encoding != nullptr && accepts_gzip(accept_encoding)) {
      // Compressed per scrape (the process metrics part changes on every one anyway), straight
      // from the parts: the targets' part is tens of MB at 10,000 targets, not worth a copy.
      std::vector<std::string_view> texts;
      for (const auto& part : parts) {
        if (part) texts.emplace_back(*part);
      }
      response.body = std::make_shared<const std::string>(gzip_compress(texts));
      response.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      response.body = concatenate(parts);
    }
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
