// Raw deflate runs joined into gzip members (see deflate_pieces.hpp).
#include "compress/deflate_pieces.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace epsitter {

namespace {

constexpr int kRawDeflate = -15;  // windowBits: no zlib or gzip wrapper, 32 KiB window
// Output room offered to zlib per call; the string's own growth keeps appends amortised O(1).
constexpr std::size_t kOutputStep = 64 * 1024;

void init_raw_deflate(z_stream& stream, int level) {
  if (deflateInit2(&stream, level, Z_DEFLATED, kRawDeflate, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
}

// Runs deflate over what `stream` holds, appending to `out` (grown as needed) until zlib needs
// more input, or, for Z_FINISH, until the stream ends.
void deflate_appending(z_stream& stream, std::string& out, int flush) {
  for (;;) {
    const std::size_t used = out.size();
    const std::size_t room = kOutputStep;
    out.resize(used + room);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(room);
    const int result = deflate(&stream, flush);
    out.resize(used + room - stream.avail_out);
    if (result == Z_STREAM_END) return;
    if (result != Z_OK && result != Z_BUF_ERROR) throw std::runtime_error("zlib deflate failed");
    // Room left over means zlib took all the input and wrote all it had for this flush mode.
    if (stream.avail_out != 0 && flush != Z_FINISH) return;
  }
}

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xffu);
}

std::uint32_t crc_of(std::uint32_t crc, std::string_view text) {
  // zlib's length is a uInt: feed texts over 4 GiB in slices.
  while (!text.empty()) {
    const std::size_t slice = std::min<std::size_t>(text.size(), 1u << 30);
    crc = static_cast<std::uint32_t>(
        crc32(crc, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(slice)));
    text.remove_prefix(slice);
  }
  return crc;
}

}  // namespace

PieceDeflater::PieceDeflater(int level) {
  init_raw_deflate(stream_, level);
}

PieceDeflater::~PieceDeflater() {
  deflateEnd(&stream_);
}

void PieceDeflater::add(std::string_view text) {
  if (text.empty()) return;
  piece_.crc = crc_of(piece_.crc, text);
  piece_.length += text.size();
  // zlib's API is not const-correct; it never writes through next_in.
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream_.avail_in = static_cast<uInt>(text.size());
  deflate_into_output(Z_NO_FLUSH);
}

DeflatedPiece PieceDeflater::finish() {
  stream_.next_in = nullptr;
  stream_.avail_in = 0;
  deflate_into_output(Z_SYNC_FLUSH);
  piece_.blocks.shrink_to_fit();
  // Forgets the window, so that the next run's back-references stay inside it.
  if (deflateReset(&stream_) != Z_OK) throw std::runtime_error("zlib deflateReset failed");
  return std::exchange(piece_, DeflatedPiece{});
}

void PieceDeflater::deflate_into_output(int flush) {
  deflate_appending(stream_, piece_.blocks, flush);
}

void append_piece(DeflatedPiece& into, const DeflatedPiece& next) {
  into.blocks += next.blocks;
  into.crc = static_cast<std::uint32_t>(
      crc32_combine(into.crc, next.crc, static_cast<z_off_t>(next.length)));
  into.length += next.length;
}

bool inflate_piece(const DeflatedPiece& piece, const std::function<bool(std::string_view)>& sink,
                   std::size_t chunk_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kRawDeflate) != Z_OK)
    throw std::runtime_error("zlib inflateInit2 failed");
  std::string buffer(std::max<std::size_t>(1, chunk_bytes), '\0');
  std::string_view input = piece.blocks;
  std::uint64_t produced = 0;
  bool completed = true;
  try {
    for (;;) {
      if (stream.avail_in == 0 && !input.empty()) {
        const std::size_t slice = std::min<std::size_t>(input.size(), 1u << 30);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        stream.avail_in = static_cast<uInt>(slice);
        input.remove_prefix(slice);
      }
      stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream.avail_out = static_cast<uInt>(buffer.size());
      // The run is not final, so inflate never reports its end: it stops for want of input.
      const int result = inflate(&stream, Z_NO_FLUSH);
      if (result != Z_OK && result != Z_BUF_ERROR) throw std::runtime_error("zlib inflate failed");
      const std::size_t written = buffer.size() - stream.avail_out;
      produced += written;
      if (written > 0 && !sink(std::string_view{buffer.data(), written})) {
        completed = false;
        break;
      }
      if (written == 0 && stream.avail_in == 0 && input.empty()) break;
    }
  } catch (...) {
    inflateEnd(&stream);
    throw;
  }
  inflateEnd(&stream);
  if (completed && produced != piece.length) {
    throw std::runtime_error("deflated exposition inflated to the wrong length");
  }
  return completed;
}

std::string gzip_member(const DeflatedPiece& head, const std::vector<std::string_view>& tail,
                        int level) {
  std::string out{kGzipHeader};
  out += head.blocks;
  out += gzip_ending(head, tail, level);
  return out;
}

std::string gzip_ending(const DeflatedPiece& head, const std::vector<std::string_view>& tail,
                        int level) {
  std::string out;
  z_stream stream{};
  init_raw_deflate(stream, level);
  std::uint32_t tail_crc = 0;
  std::uint64_t tail_length = 0;
  try {
    for (std::string_view text : tail) {
      if (text.empty()) continue;
      tail_crc = crc_of(tail_crc, text);
      tail_length += text.size();
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
      stream.avail_in = static_cast<uInt>(text.size());
      deflate_appending(stream, out, Z_NO_FLUSH);
    }
    stream.next_in = nullptr;
    stream.avail_in = 0;
    deflate_appending(stream, out, Z_FINISH);  // the final block
  } catch (...) {
    deflateEnd(&stream);
    throw;
  }
  deflateEnd(&stream);
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(head.crc, tail_crc, static_cast<z_off_t>(tail_length)));
  append_le32(out, crc);
  append_le32(out, static_cast<std::uint32_t>(head.length + tail_length));  // ISIZE: mod 2^32
  return out;
}

}  // namespace epsitter
