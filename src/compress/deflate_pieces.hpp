// Text compressed once, joined into gzip members many times: the /metrics body is one big part
// that changes only when a probe finishes and small parts that change on every scrape.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

// A run of raw deflate blocks that is byte-aligned and not final, with the CRC-32 and length of
// the text it holds. Any number of such runs followed by a final one form a valid deflate stream
// (RFC 1951 needs only the last block marked final; a back-reference simply never reaches into
// the run before), which is how pigz compresses in parallel.
struct DeflatedPiece {
  std::string blocks;
  std::uint32_t crc = 0;     // CRC-32 of the text
  std::uint64_t length = 0;  // bytes of text
};

class FastDeflater;  // ISA-L's deflate (see the .cpp)

// Compresses text handed in chunks into one DeflatedPiece, so that the whole text never has to
// exist at once. Throws std::runtime_error if the compressor fails.
class PieceDeflater {
 public:
  PieceDeflater();
  ~PieceDeflater();
  PieceDeflater(const PieceDeflater&) = delete;
  PieceDeflater& operator=(const PieceDeflater&) = delete;

  void add(std::string_view text);
  // Ends the run with a sync flush (byte-aligned, not final) and returns it. The deflater then
  // starts a new run that refers to nothing before it, so the runs can be joined in any order.
  DeflatedPiece finish();

 private:
  std::unique_ptr<FastDeflater> deflater_;  // ~170 KB of state: on the heap
  DeflatedPiece piece_;
};

// Appends `next` to `into`: one run holding both texts, in that order.
void append_piece(DeflatedPiece& into, const DeflatedPiece& next);

// Inflates `piece` back to its text, handing it to `sink` in chunks of at most `chunk_bytes`, so
// that tens of MB need never be held at once. Stops early, returning false, when `sink` does.
// Throws std::runtime_error if the blocks do not inflate to `piece.length` bytes.
bool inflate_piece(const DeflatedPiece& piece, const std::function<bool(std::string_view)>& sink,
                   std::size_t chunk_bytes = 64 * 1024);

// One gzip member (RFC 1952) holding `head`'s text followed by the `tail` texts, which are
// compressed here.
std::string gzip_member(const DeflatedPiece& head, const std::vector<std::string_view>& tail);

// The same member in three parts, so that the big middle one can be sent from a shared piece
// without being copied: kGzipHeader, then `head.blocks`, then gzip_ending(head, tail).
inline constexpr std::string_view kGzipHeader{"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10};
// The tail's blocks, the final one, and the trailer (CRC-32 and length of head and tail).
std::string gzip_ending(const DeflatedPiece& head, const std::vector<std::string_view>& tail);

// `text`, or the concatenation of `parts` (without concatenating them first), as one gzip member
// at the fastest level: a scrape of 10,000 targets shrinks about twentyfold at a fraction of the
// CPU of a higher one. Throws std::runtime_error if the compressor fails.
std::string gzip_compress(std::string_view text);
std::string gzip_compress(const std::vector<std::string_view>& parts);

}  // namespace epsitter
