// Unit tests for /metrics compression: Accept-Encoding negotiation and a gzip round trip.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "web/gzip.hpp"

using namespace epsitter;

namespace {

std::string gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = inflate(&stream, Z_FINISH);
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  out.resize(stream.total_out);
  return out;
}

}  // namespace

TEST_CASE("Prometheus' Accept-Encoding is understood as accepting gzip") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("deflate;q=1.0, GZIP;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip(" identity , gzip "));
}

TEST_CASE("gzip refused or absent is not taken as accepted") {
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.0, deflate"));
  CHECK_FALSE(accepts_gzip("x-gzip2"));
  CHECK_FALSE(accepts_gzip("gzip;q=nonsense"));
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
