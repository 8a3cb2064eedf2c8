// Raw deflate runs joined into gzip members (see deflate_pieces.hpp).
//
// Deflate and CRC-32 are ISA-L's (igzip): on the exposition of 10,000 targets (38 MB of text)
// its level 1 takes ~8 ms and its CRC-32 ~1 ms on one core, where zlib's level 1 took ~43 ms
// and its CRC-32 ~6 ms, and its output is a little smaller (1.59 MB against 1.72). That is most
// of a gzip scrape's CPU. zlib still inflates (a plain scrape served from the compressed body)
// and combines CRCs, which ISA-L does not offer.
#include "compress/deflate_pieces.hpp"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace epsitter {

namespace {

constexpr int kRawDeflate = -15;  // zlib windowBits: no zlib or gzip wrapper, 32 KiB window
// Output room offered per call; the string's own growth keeps appends amortised O(1).
constexpr std::size_t kOutputStep = 64 * 1024;
// The most input handed over per call: ISA-L and zlib count bytes in 32 bits.
constexpr std::size_t kInputSlice = std::size_t{1} << 30;

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xffu);
}

std::uint32_t crc_of(std::uint32_t crc, std::string_view text) {
  return crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

}  // namespace

// One ISA-L deflate stream at level 1, writing raw deflate (the gzip framing is ours). ISA-L
// allocates nothing itself: owning the stream and its level buffer is all the cleanup it needs.
class FastDeflater {
 public:
  FastDeflater() : level_buffer_(ISAL_DEF_LVL1_SMALL) {
    isal_deflate_init(&stream_);
    stream_.level = 1;
    // The small level buffer: on exposition text it is as fast as the default (~4x larger) and
    // compresses slightly better, its blocks being shorter.
    stream_.level_buf = level_buffer_.data();
    stream_.level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
    stream_.gzip_flag = IGZIP_DEFLATE;
  }

  // Compresses `text` into `out` without flushing: some of it may stay buffered for the next call.
  void add(std::string_view text, std::string& out) {
    while (!text.empty()) {
      const std::size_t slice = std::min(text.size(), kInputSlice);
      // ISA-L's API is not const-correct; it never writes through next_in.
      stream_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(text.data()));
      stream_.avail_in = static_cast<std::uint32_t>(slice);
      run(out, NO_FLUSH, false);
      text.remove_prefix(slice);
    }
  }

  // Ends what has been added with a sync flush: byte-aligned, not final.
  void sync_flush(std::string& out) { flush_pending(out, SYNC_FLUSH, false); }
  // Ends the stream with a final block.
  void finish(std::string& out) { flush_pending(out, NO_FLUSH, true); }
  // Forgets the window, so that what comes next refers to nothing before it.
  void reset() { isal_deflate_reset(&stream_); }

 private:
  void flush_pending(std::string& out, std::uint16_t flush, bool end_of_stream) {
    stream_.next_in = nullptr;
    stream_.avail_in = 0;
    run(out, flush, end_of_stream);
  }

  // Calls isal_deflate, appending to `out`, until the input is taken and, for a flush or the
  // end, everything is written.
  void run(std::string& out, std::uint16_t flush, bool end_of_stream) {
    stream_.flush = flush;
    stream_.end_of_stream = end_of_stream ? 1 : 0;
    for (;;) {
      const std::size_t used = out.size();
      const std::uint32_t taken_before = stream_.avail_in;
      out.resize(used + kOutputStep);
      stream_.next_out = reinterpret_cast<std::uint8_t*>(out.data() + used);
      stream_.avail_out = static_cast<std::uint32_t>(kOutputStep);
      const int result = isal_deflate(&stream_);
      const std::size_t written = kOutputStep - stream_.avail_out;
      out.resize(used + written);
      if (result != COMP_OK) throw std::runtime_error("ISA-L deflate failed");
      if (stream_.avail_in == 0 && stream_.avail_out != 0 && done(flush, end_of_stream)) return;
      if (written == 0 && stream_.avail_in == taken_before) {
        throw std::runtime_error("ISA-L deflate made no progress");
      }
    }
  }

  bool done(std::uint16_t flush, bool end_of_stream) const {
    const auto state = stream_.internal_state.state;
    if (end_of_stream) return state == ZSTATE_END;
    return flush == NO_FLUSH || state == ZSTATE_NEW_HDR;
  }

  isal_zstream stream_{};
  std::vector<std::uint8_t> level_buffer_;
};

PieceDeflater::PieceDeflater() : deflater_(std::make_unique<FastDeflater>()) {}

PieceDeflater::~PieceDeflater() = default;

void PieceDeflater::add(std::string_view text) {
  if (text.empty()) return;
  piece_.crc = crc_of(piece_.crc, text);
  piece_.length += text.size();
  deflater_->add(text, piece_.blocks);
}

DeflatedPiece PieceDeflater::finish() {
  deflater_->sync_flush(piece_.blocks);
  piece_.blocks.shrink_to_fit();
  deflater_->reset();
  return std::exchange(piece_, DeflatedPiece{});
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
        const std::size_t slice = std::min(input.size(), kInputSlice);
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

std::string gzip_member(const DeflatedPiece& head, const std::vector<std::string_view>& tail) {
  std::string out{kGzipHeader};
  out += head.blocks;
  out += gzip_ending(head, tail);
  return out;
}

std::string gzip_compress(const std::vector<std::string_view>& parts) {
  return gzip_member(DeflatedPiece{}, parts);
}

std::string gzip_compress(std::string_view text) {
  return gzip_compress(std::vector<std::string_view>{text});
}

std::string gzip_ending(const DeflatedPiece& head, const std::vector<std::string_view>& tail) {
  std::string out;
  const auto deflater = std::make_unique<FastDeflater>();
  std::uint32_t tail_crc = 0;
  std::uint64_t tail_length = 0;
  for (std::string_view text : tail) {
    if (text.empty()) continue;
    tail_crc = crc_of(tail_crc, text);
    tail_length += text.size();
    deflater->add(text, out);
  }
  deflater->finish(out);  // the final block
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(head.crc, tail_crc, static_cast<z_off_t>(tail_length)));
  append_le32(out, crc);
  append_le32(out, static_cast<std::uint32_t>(head.length + tail_length));  // ISIZE: mod 2^32
  return out;
}

}  // namespace epsitter
