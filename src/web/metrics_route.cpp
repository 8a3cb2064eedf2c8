// The /metrics route: concatenates the exposition text of every source, in order, and gzips it for
// scrapers that accept it (Prometheus always does).
#include "web/metrics_route.hpp"

#include "compress/deflate_pieces.hpp"
#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

std::shared_ptr<const std::string> concatenate(
    const std::vector<std::shared_ptr<const std::string>>& parts) {
  if (parts.size() == 1) return parts.front();  // the common case: no copy
  std::size_t size = 0;
  for (const auto& part : parts) size += part ? part->size() : 0;
  std::string text;
  text.reserve(size);
  for (const auto& part : parts) {
    if (part) text += *part;
  }
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

Route make_metrics_route(TargetExposition targets, std::vector<ExpositionSource> rest) {
  auto handler = [targets = std::move(targets),
                  rest = std::move(rest)](const HttpRequest& request) {
    const char* accept_encoding = request.header ? request.header("Accept-Encoding") : nullptr;
    const bool gzip = accept_encoding != nullptr && accepts_gzip(accept_encoding);
    std::shared_ptr<const DeflatedPiece> deflated;
    std::vector<std::shared_ptr<const std::string>> parts;
    if (gzip) {
      deflated = targets.deflated();
      if (!deflated) return HttpResponse::text(503, "metrics not available yet\n");
    } else {
      parts.push_back(targets.text());
      if (!parts.front()) return HttpResponse::text(503, "metrics not available yet\n");
    }
    for (const auto& source : rest) parts.push_back(source());
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzip) {
      std::vector<std::string_view> texts;
      for (const auto& part : parts) {
        if (part) texts.emplace_back(*part);
      }
      response.body = std::make_shared<const std::string>(gzip_member(*deflated, texts));
      response.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      response.body = concatenate(parts);
    }
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
