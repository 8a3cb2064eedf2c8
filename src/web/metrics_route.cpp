// The /metrics route: concatenates the exposition text of every source, in order, and gzips it for
// scrapers that accept it (Prometheus always does).
#include "web/metrics_route.hpp"

#include "compress/deflate_pieces.hpp"
#include "web/gzip.hpp"

namespace epsitter {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// The targets' text inflated piece by piece, then the rest: a plain scrape holds at most one
// piece (64 KiB) of the tens of MB it sends.
StreamedBody inflated_then(std::shared_ptr<const DeflatedPiece> deflated,
                           std::vector<std::shared_ptr<const std::string>> rest) {
  StreamedBody body;
  body.length = deflated->length;
  for (const auto& part : rest) body.length += part ? part->size() : 0;
  body.write = [deflated = std::move(deflated),
                rest = std::move(rest)](const StreamedBody::Sink& sink) {
    if (!inflate_piece(*deflated, sink)) return;
    for (const auto& part : rest) {
      if (part && !part->empty() && !sink(*part)) return;
    }
  };
  return body;
}

// The gzip member of the targets' blocks and the rest, the blocks sent from the shared piece as
// they are: only the rest is compressed per scrape, and nothing of MB size is copied.
StreamedBody gzipped(std::shared_ptr<const DeflatedPiece> deflated,
                     const std::vector<std::shared_ptr<const std::string>>& rest) {
  std::vector<std::string_view> texts;
  for (const auto& part : rest) {
    if (part) texts.emplace_back(*part);
  }
  auto ending = std::make_shared<const std::string>(gzip_ending(*deflated, texts));
  StreamedBody body;
  body.length = kGzipHeader.size() + deflated->blocks.size() + ending->size();
  body.write = [deflated = std::move(deflated),
                ending = std::move(ending)](const StreamedBody::Sink& sink) {
    (void)(sink(kGzipHeader) && sink(deflated->blocks) && sink(*ending));
  };
  return body;
}

}  // namespace

Route make_metrics_route(DeflatedExpositionSource targets, std::vector<ExpositionSource> rest) {
  auto handler = [targets = std::move(targets),
                  rest = std::move(rest)](const HttpRequest& request) {
    const char* accept_encoding = request.header ? request.header("Accept-Encoding") : nullptr;
    const bool gzip = accept_encoding != nullptr && accepts_gzip(accept_encoding);
    std::shared_ptr<const DeflatedPiece> deflated = targets();
    if (!deflated) return HttpResponse::text(503, "metrics not available yet\n");
    std::vector<std::shared_ptr<const std::string>> parts;
    for (const auto& source : rest) parts.push_back(source());
    HttpResponse response;
    response.content_type = kExpositionContentType;
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzip) {
      response.streamed = gzipped(std::move(deflated), parts);
      response.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      response.streamed = inflated_then(std::move(deflated), std::move(parts));
    }
    return response;
  };
  return Route{"/metrics", {"GET"}, std::move(handler)};
}

}  // namespace epsitter
