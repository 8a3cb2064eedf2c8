// Unit tests for deflate pieces: text compressed once in chunks, then joined with more text into
// gzip members that standard inflaters read back exactly.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compress/deflate_pieces.hpp"

using namespace epsitter;

namespace {

// Inflates one gzip member, as HTTP clients (and Prometheus) do; checks the trailer's CRC and size.
std::string gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int result = Z_OK;
  while (result == Z_OK) {
    char buffer[16384];
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  const uInt left_over = stream.avail_in;
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);  // Z_DATA_ERROR on a wrong CRC-32 or length
  CHECK(left_over == 0);
  return out;
}

std::string exposition_like(int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += "sitter_probe_success{name=\"t" + std::to_string(i) + "\",namespace=\"bench\"} 1.0\n";
  }
  return text;
}

std::string noise(std::size_t bytes) {
  std::string text;
  std::uint32_t state = 99;
  for (std::size_t i = 0; i < bytes; ++i) {
    state = state * 1664525u + 1013904223u;
    text += static_cast<char>(state >> 24);
  }
  return text;
}

DeflatedPiece deflate_in_chunks(const std::string& text, std::size_t chunk) {
  PieceDeflater deflater;
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    deflater.add(std::string_view{text}.substr(at, chunk));
  }
  return deflater.finish();
}

}  // namespace

TEST_CASE("a piece joined with more text inflates to both, in order") {
  const std::string head = exposition_like(20000);
  const DeflatedPiece piece = deflate_in_chunks(head, 4096);
  CHECK(piece.length == head.size());
  CHECK(piece.blocks.size() < head.size() / 5);
  const std::string tail = "process_open_fds 12.0\n";
  CHECK(gunzip(gzip_member(piece, {tail, "", "last 1.0\n"})) == head + tail + "last 1.0\n");
}

TEST_CASE("one piece serves many members with different tails") {
  const std::string head = exposition_like(500);
  const DeflatedPiece piece = deflate_in_chunks(head, 1000);
  for (int scrape = 0; scrape < 3; ++scrape) {
    const std::string tail = "scrape " + std::to_string(scrape) + "\n";
    CHECK(gunzip(gzip_member(piece, {tail})) == head + tail);
  }
}

TEST_CASE("incompressible text and empty parts still round-trip") {
  const std::string head = noise(300000);
  const std::string tail = noise(70000);
  CHECK(gunzip(gzip_member(deflate_in_chunks(head, 65536), {tail})) == head + tail);
  CHECK(gunzip(gzip_member(DeflatedPiece{}, {tail})) == tail);
  CHECK(gunzip(gzip_member(deflate_in_chunks(head, 7777), {})) == head);
  CHECK(gunzip(gzip_member(PieceDeflater{}.finish(), {})).empty());
}
