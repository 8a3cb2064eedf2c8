// Unit tests for the exposition rendered and compressed on several threads: the same text as one
// thread renders, whatever the number of threads and targets.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>

#include "compress/deflate_pieces.hpp"
#include "exposition_samples.hpp"
#include "metrics/compressed_exposition.hpp"
#include "metrics/render.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

const std::vector<double> kBounds{0.005, 0.1, 1};

std::string inflated(const DeflatedPiece& piece) {
  std::string text;
  inflate_piece(piece, [&text](std::string_view chunk) {
    text += chunk;
    return true;
  });
  return text;
}

}  // namespace

TEST_CASE("the compressed exposition inflates to the rendered one, on one thread or several") {
  const std::size_t targets = GENERATE(std::size_t{0}, std::size_t{3}, kTargetsPerThread - 1,
                                       2 * kTargetsPerThread, 3 * kTargetsPerThread + 17);
  const std::size_t threads =
      GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3});
  CAPTURE(targets, threads);
  const StatsByTarget stats = probed_targets(targets, kBounds);
  const std::string whole = render_exposition("sitter", stats, kBounds);
  const DeflatedPiece piece = deflate_exposition("sitter", stats, kBounds, threads);
  CHECK(piece.length == whole.size());
  CHECK(inflated(piece) == whole);
  CHECK(piece.crc ==
        static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(whole.data()),
                                         static_cast<uInt>(whole.size()))));
  if (targets >= kTargetsPerThread) CHECK(piece.blocks.size() < whole.size() / 10);
}
