// The few pieces of the protocol buffers wire format that Prometheus' exposition needs.
#include "metrics/protobuf_wire.hpp"

#include <cstring>

namespace epsitter::protobuf {

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void append_tag(std::string& out, std::uint32_t field, WireType type) {
  append_varint(out, (std::uint64_t{field} << 3) | static_cast<std::uint64_t>(type));
}

void append_uint_field(std::string& out, std::uint32_t field, std::uint64_t value) {
  append_tag(out, field, WireType::varint);
  append_varint(out, value);
}

void append_sint_field(std::string& out, std::uint32_t field, std::int64_t value) {
  append_tag(out, field, WireType::varint);
  append_varint(out, zigzag(value));
}

void append_double_field(std::string& out, std::uint32_t field, double value) {
  append_tag(out, field, WireType::fixed64);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) {  // little-endian whatever the host's order
    out += static_cast<char>((bits >> (8 * i)) & 0xff);
  }
}

void append_bytes_field(std::string& out, std::uint32_t field, std::string_view bytes) {
  append_tag(out, field, WireType::length_delimited);
  append_varint(out, bytes.size());
  out += bytes;
}

}  // namespace epsitter::protobuf
