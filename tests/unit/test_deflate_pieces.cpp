// Unit tests for deflate pieces: text compressed once in chunks, then joined with more text into
// gzip members that standard inflaters read back exactly; and whole texts gzipped at once.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compress/deflate_pieces.hpp"
#include "exposition_samples.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

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

namespace {

std::string inflated(const DeflatedPiece& piece, std::size_t chunk_bytes) {
  std::string text;
  CHECK(inflate_piece(
      piece,
      [&](std::string_view chunk) {
        CHECK(chunk.size() <= chunk_bytes);
        text += chunk;
        return true;
      },
      chunk_bytes));
  return text;
}

}  // namespace

TEST_CASE("a piece inflates back to its text in bounded chunks") {
  const std::string text = exposition_like(20000) + noise(100000);
  const DeflatedPiece piece = deflate_in_chunks(text, 65536);
  CHECK(inflated(piece, 4096) == text);
  const std::string small = exposition_like(50);
  CHECK(inflated(deflate_in_chunks(small, 100), 1) == small);
  CHECK(inflated(DeflatedPiece{}, 64).empty());
  CHECK(inflated(PieceDeflater{}.finish(), 64).empty());
}

TEST_CASE("inflating stops when the sink does") {
  const DeflatedPiece piece = deflate_in_chunks(exposition_like(5000), 4096);
  int calls = 0;
  CHECK_FALSE(inflate_piece(
      piece, [&](std::string_view) { return ++calls < 3; }, 1024));
  CHECK(calls == 3);
}

TEST_CASE("a piece that does not inflate to its length is refused") {
  DeflatedPiece piece = deflate_in_chunks(exposition_like(100), 4096);
  piece.length += 1;
  CHECK_THROWS_AS(inflate_piece(piece, [](std::string_view) { return true; }), std::runtime_error);
  piece = deflate_in_chunks(exposition_like(100), 4096);
  piece.blocks[piece.blocks.size() / 2] ^= 0x55;  // corrupt the middle of the blocks
  CHECK_THROWS(inflate_piece(piece, [](std::string_view) { return true; }));
}

TEST_CASE(
    "runs from one deflater are independent: joined in any order they inflate in that order") {
  PieceDeflater deflater;
  const std::string first = exposition_like(3000);
  const std::string second = exposition_like(2000);  // repeats the start of `first`
  deflater.add(first);
  const DeflatedPiece a = deflater.finish();
  deflater.add(second);
  const DeflatedPiece b = deflater.finish();
  DeflatedPiece joined;
  append_piece(joined, b);
  append_piece(joined, a);
  CHECK(joined.length == first.size() + second.size());
  const std::string tail = "tail 1.0\n";
  // gunzip checks the combined CRC-32 and length in the trailer.
  CHECK(gunzip(gzip_member(joined, {tail})) == second + first + tail);
  CHECK(inflated(joined, 65536) == second + first);
}

TEST_CASE("gzip output is a gzip member that inflates to the input") {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "sitter_request_time_count{name=\"t" + std::to_string(i) + "\"} 1.0\n";
  }
  const std::string compressed = gzip_compress(text);
  REQUIRE(compressed.size() > 10);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x1f);  // gzip magic
  CHECK(static_cast<unsigned char>(compressed[1]) == 0x8b);
  CHECK(compressed.size() < text.size() / 5);
  CHECK(gunzip(compressed) == text);
  CHECK(gunzip(gzip_compress("")).empty());
}

TEST_CASE("gzip of parts is the gzip of their concatenation, however they compress") {
  std::string repetitive;
  for (int i = 0; i < 20000; ++i) repetitive += "sitter_probe_success{name=\"t\"} 1.0\n";
  // Pseudo-random bytes barely compress: the output outgrows its first room several times.
  std::string noise;
  std::uint32_t state = 12345;
  for (int i = 0; i < 300000; ++i) {
    state = state * 1664525u + 1013904223u;
    noise += static_cast<char>(state >> 24);
  }
  const std::vector<std::string_view> parts{repetitive, "", noise, "tail\n"};
  CHECK(gunzip(gzip_compress(parts)) == repetitive + noise + "tail\n");
  CHECK(gunzip(gzip_compress(std::vector<std::string_view>{})).empty());
  CHECK(gunzip(gzip_compress(std::vector<std::string_view>{noise})) == noise);
}
