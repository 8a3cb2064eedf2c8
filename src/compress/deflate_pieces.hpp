// Text compressed once, joined into gzip members many times: the /metrics body is one big part
// that changes only when a probe finishes and small parts that change on every scrape.
#pragma once

#include <zlib.h>

#include <cstdint>
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

// Compresses text handed in chunks into one DeflatedPiece, so that the whole text never has to
// exist at once. Throws std::runtime_error if zlib fails.
class PieceDeflater {
 public:
  explicit PieceDeflater(int level = 1);
  ~PieceDeflater();
  PieceDeflater(const PieceDeflater&) = delete;
  PieceDeflater& operator=(const PieceDeflater&) = delete;

  void add(std::string_view text);
  // Ends the run with a sync flush (byte-aligned, not final). Call once, as the last call.
  DeflatedPiece finish();

 private:
  void deflate_into_output(int flush);

  z_stream stream_{};
  DeflatedPiece piece_;
};

// One gzip member (RFC 1952) holding `head`'s text followed by the `tail` texts, which are
// compressed here.
std::string gzip_member(const DeflatedPiece& head, const std::vector<std::string_view>& tail,
                        int level = 1);

}  // namespace epsitter
