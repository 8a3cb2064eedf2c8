// gzip for HTTP responses: Accept-Encoding negotiation and compression with zlib.
#include "web/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace epsitter {

namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The q value of one "coding;q=0.5" element; 1 when absent, 0 when unreadable (be conservative).
double quality(std::string_view parameters) {
  while (!parameters.empty()) {
    const std::size_t semicolon = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
        parameter[1] == '=') {
      const std::string value{trim(parameter.substr(2))};
      char* end = nullptr;
      const double q = std::strtod(value.c_str(), &end);
      return end != value.c_str() && *end == '\0' ? q : 0;
    }
  }
  return 1;
}

struct DeflateEnd {
  void operator()(z_stream* stream) const { deflateEnd(stream); }
};

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    const std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = element.find(';');
    const std::string_view coding = trim(element.substr(0, semicolon));
    const std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    if ((iequals(coding, "gzip") || coding == "*") && quality(parameters) > 0) return true;
  }
  return false;
}

std::string gzip_compress(const std::vector<std::string_view>& parts, int level) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  const std::unique_ptr<z_stream, DeflateEnd> owner{&stream};
  std::size_t input = 0;
  for (std::string_view part : parts) input += part.size();
  // Exposition text shrinks about tenfold: room for an eighth of the input first, doubled when
  // that is not enough (deflateBound's room for all of it would be zero-filled, pages touched, for
  // nothing).
  std::string out;
  std::size_t produced = 0;
  const auto make_room = [&] {
    out.resize(std::max<std::size_t>({out.size() * 2, input / 8, 4096}));
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out.size() - produced);
  };
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    // zlib's API is not const-correct; it never writes through next_in.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(parts[i].data()));
    stream.avail_in = static_cast<uInt>(parts[i].size());
    for (;;) {
      if (stream.avail_out == 0) make_room();
      const int result = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      produced = stream.total_out;
      if (result == Z_STREAM_END) break;
      if (result != Z_OK && result != Z_BUF_ERROR) throw std::runtime_error("zlib deflate failed");
      if (!last && stream.avail_in == 0) break;
    }
  }
  if (parts.empty()) {
    make_room();
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
    produced = stream.total_out;
  }
  out.resize(produced);
  return out;
}

std::string gzip_compress(std::string_view text, int level) {
  return gzip_compress(std::vector<std::string_view>{text}, level);
}

}  // namespace epsitter
