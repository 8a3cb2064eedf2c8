// The /metrics route: the exposition, gzipped when the scraper accepts it.
#include "web/metrics_route.hpp"

#include "metrics/exposition.hpp"
#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

Route make_metrics_route(ExpositionSource exposition) {
  auto handler = [exposition = std::move(exposition)](const HttpRequest& request) {
    const char* accept_encoding = request.header ? request.header("Accept-Encoding") : nullptr;
    const bool gzip = accept_encoding != nullptr && accepts_gzip(accept_encoding);
    std::shared_ptr<const Exposition> current = exposition();
    if (!current) return HttpResponse::text(503, "metrics not available yet\n");
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
    const Exposition::Body body = gzip ? current->gzip() : current->plain();
    // The body refers to the exposition: the response keeps it alive until it has been sent.
    response.streamed = StreamedBody{
        body.size(),
        [current = std::move(current), body](const StreamedBody::Sink& sink) { body.write(sink); }};
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
