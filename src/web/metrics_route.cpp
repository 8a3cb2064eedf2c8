// The /metrics route: the exposition, gzipped when the scraper accepts it.
#include "web/metrics_route.hpp"

#include <string>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "metrics/exposition.hpp"
#include "metrics/protobuf_exposition.hpp"
#include "web/exposition_format.hpp"
#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// The protobuf body: the targets' part as rendered (or compressed, once per rendering) and the
// scrape's own families after it.
HttpResponse protobuf_response(std::shared_ptr<const ProtobufExposition> current, bool gzip) {
  HttpResponse response;
  response.content_type = kProtobufContentType;
  response.headers.emplace_back("Vary", "Accept, Accept-Encoding");
  if (gzip) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    const DeflatedPiece& targets = current->targets->deflated();
    auto ending = std::make_shared<const std::string>(gzip_ending(targets, {current->own}));
    const std::uint64_t length = kGzipHeader.size() + targets.blocks.size() + ending->size();
    response.streamed =
        StreamedBody{length, [current = std::move(current), ending](const auto& sink) {
                       if (sink(kGzipHeader) && sink(current->targets->deflated().blocks)) {
                         sink(*ending);
                       }
                     }};
    return response;
  }
  const std::uint64_t length = current->targets->bytes().size() + current->own.size();
  response.streamed = StreamedBody{length, [current = std::move(current)](const auto& sink) {
                                     if (sink(current->targets->bytes())) sink(current->own);
                                   }};
  return response;
}

}  // namespace

Route make_metrics_route(ExpositionSource exposition, ProtobufSource protobuf) {
  auto handler = [exposition = std::move(exposition),
                  protobuf = std::move(protobuf)](const HttpRequest& request) {
    const auto header = [&request](const char* name) -> const char* {
      return request.header ? request.header(name) : nullptr;
    };
    const char* accept_encoding = header("Accept-Encoding");
    const bool gzip = accept_encoding != nullptr && accepts_gzip(accept_encoding);
    const char* accept = header("Accept");
    if (protobuf && accept != nullptr &&
        negotiate_exposition_format(accept) == ExpositionFormat::protobuf) {
      std::shared_ptr<const ProtobufExposition> current = protobuf();
      if (!current) return HttpResponse::text(503, "metrics not available yet\n");
      return protobuf_response(std::move(current), gzip);
    }
    std::shared_ptr<const Exposition> current = exposition();
    if (!current) return HttpResponse::text(503, "metrics not available yet\n");
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.headers.emplace_back("Vary", protobuf ? "Accept, Accept-Encoding" : "Accept-Encoding");
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
