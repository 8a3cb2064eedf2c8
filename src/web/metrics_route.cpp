// The /metrics route: concatenates the exposition text of every source, in order, and gzips it for
// scrapers that accept it (Prometheus always does).
#include "web/metrics_route.hpp"

#include <mutex>

#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// The last text compressed and its gzip form: concurrent scrapers of one unchanged exposition
// (several Prometheus replicas, say) compress it once.
class GzipCache {
 public:
  std::shared_ptr<const std::string> compressed(const std::shared_ptr<const std::string>& text) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (source_ == text) return gzipped_;
    }
    auto gzipped = std::make_shared<const std::string>(gzip_compress(*text));
    const std::lock_guard<std::mutex> lock(mutex_);
    source_ = text;
    gzipped_ = gzipped;
    return gzipped;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const std::string> source_;
  std::shared_ptr<const std::string> gzipped_;
};

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
  auto cache = std::make_shared<GzipCache>();
  auto handler = [sources = std::move(sources), cache](const HttpRequest& request) {
    std::vector<std::shared_ptr<const std::string>> parts;
    parts.reserve(sources.size());
    for (const auto& source : sources) parts.push_back(source());
    if (parts.empty() || !parts.front()) {
      return HttpResponse::text(503, "metrics not available yet\n");
    }
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.body = concatenate(parts);
    response.headers.emplace_back("Vary", "Accept-Encoding");
    const char* accept_encoding = request.header ? request.header("Accept-Encoding") : nullptr;
    if (accept_encoding != nullptr && accepts_gzip(accept_encoding)) {
      response.body = cache->compressed(response.body);
      response.headers.emplace_back("Content-Encoding", "gzip");
    }
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
