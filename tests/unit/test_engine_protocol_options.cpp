// The HTTP engine's negotiation options against a loopback server: content coding (decoded, bounded
// after decoding, sized on the wire), the Content-Encoding reported, HTTP/1.1 with http2 off.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "engine_fixture.hpp"
#include "probe/http_engine.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

std::string repeated(std::size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += "a line of text that compresses well\n";
  text.resize(bytes);
  return text;
}

}  // namespace

TEST_CASE_METHOD(EngineFixture,
                 "a gzip body is decoded; its wire size and decoded size are both reported") {
  const std::string text = repeated(50'000);
  const std::string gzipped = gzip_compress(text);
  REQUIRE(gzipped.size() < text.size() / 10);
  server.on("/gzip", Reply::respond(200, gzipped, "Content-Encoding: gzip\r\n"));
  ProbeRequest request = request_to(server.url("/gzip"));
  request.accept_encoding = "gzip";
  request.keep_body = true;
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->content_encoding == "gzip");
  CHECK(result->body == text);
  CHECK(result->uncompressed_bytes == static_cast<std::int64_t>(text.size()));
  // CURLINFO_SIZE_DOWNLOAD_T counts the bytes libcurl read before decoding them.
  CHECK(result->response_bytes == static_cast<std::int64_t>(gzipped.size()));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].header("Accept-Encoding") == std::optional<std::string>{"gzip"});
}

TEST_CASE_METHOD(EngineFixture, "a gzip bomb stops at body_limit after decoding") {
  // 10 MB of zeros in a few KB (tens at the fastest level).
  const std::string bomb = gzip_compress(std::string(10'000'000, '\0'));
  REQUIRE(bomb.size() < 1'000'000);
  server.on("/bomb", Reply::respond(200, bomb, "Content-Encoding: gzip\r\n"));
  ProbeRequest request = request_to(server.url("/bomb"));
  request.accept_encoding = "gzip";
  request.keep_body = true;
  request.body_limit = 64 * 1024;
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->body_truncated);
  CHECK(result->body.size() == 64 * 1024);  // never more than the limit is kept
  CHECK(result->uncompressed_bytes == 64 * 1024);
  CHECK(result->response_bytes < static_cast<std::int64_t>(bomb.size()));

  request.max_body_size = 32 * 1024;  // the decoded bytes count against max_body_size too
  const auto too_large = probe(engine, request);
  REQUIRE(too_large);
  CHECK(too_large->body_too_large);
  CHECK(too_large->uncompressed_bytes == 32 * 1024);
}

TEST_CASE_METHOD(EngineFixture, "identity is asked for, and an unrequested coding is reported") {
  server.on("/plain", Reply::respond(200, "plain"));
  server.on("/gzip", Reply::respond(200, gzip_compress("zipped"), "content-encoding: gzip\r\n"));
  ProbeRequest request = request_to(server.url("/plain"));
  request.accept_encoding = "identity";
  const auto plain = probe(engine, request);
  REQUIRE(plain);
  CHECK(plain->content_encoding.empty());
  CHECK(plain->response_bytes == 5);
  CHECK(plain->uncompressed_bytes == 5);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].header("Accept-Encoding") == std::optional<std::string>{"identity"});

  request = request_to(server.url("/gzip"));  // no accept_encoding: no header, nothing decoded
  request.keep_body = true;
  const auto raw = probe(engine, request);
  REQUIRE(raw);
  CHECK(raw->content_encoding == "gzip");  // reported even when the headers are not kept
  CHECK(raw->body == gzip_compress("zipped"));
  CHECK(raw->uncompressed_bytes == raw->response_bytes);
  CHECK_FALSE(server.requests()[1].header("Accept-Encoding"));
}

TEST_CASE_METHOD(EngineFixture, "http2 off still gets HTTP/1.1 from an HTTP/1.1 server") {
  // h2 itself is exercised against nginx in tests/integration/test_probe_options.py.
  server.on("/ok", Reply::respond(200, "ok"));
  ProbeRequest request = request_to(server.url("/ok"));
  request.http2 = false;
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->http_version == 1.1);
}

TEST_CASE_METHOD(EngineFixture, "a chunked gzip body's wire size is its encoded bytes") {
  const std::string text = repeated(20'000);
  const std::string gzipped = gzip_compress(text);
  const std::size_t half = gzipped.size() / 2;
  const std::vector<std::string> pieces{gzipped.substr(0, half), gzipped.substr(half)};
  Reply reply = Reply::stream(200, [pieces](std::size_t sent) -> std::optional<std::string> {
    if (sent < pieces.size()) return pieces[sent];
    return std::nullopt;
  });
  // The head of a streamed reply ends with its blank line: slip the coding in before it.
  reply.raw.insert(reply.raw.size() - 2, "Content-Encoding: gzip\r\n");
  server.on("/chunked", reply);
  ProbeRequest request = request_to(server.url("/chunked"));
  request.accept_encoding = "gzip";
  const auto result = probe(engine, request);
  REQUIRE(result);
  CHECK(result->error == ProbeError::none);
  CHECK(result->uncompressed_bytes == static_cast<std::int64_t>(text.size()));
  // libcurl counts the body's bytes after removing the chunk framing, before decoding.
  CHECK(result->response_bytes == static_cast<std::int64_t>(gzipped.size()));
}
