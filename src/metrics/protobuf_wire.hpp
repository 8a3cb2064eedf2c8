// The few pieces of the protocol buffers wire format that Prometheus' exposition needs, written by
// hand so that epsitter needs no protobuf library at run time: varints, tags, fixed64 doubles and
// length-delimited fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace epsitter::protobuf {

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2 };

void append_varint(std::string& out, std::uint64_t value);
// ZigZag encoding of sint32/sint64: small negative numbers stay short.
constexpr std::uint64_t zigzag(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}
void append_tag(std::string& out, std::uint32_t field, WireType type);

// Fields: uint64/uint32/enum, sint32/sint64, double, and string/bytes/embedded message.
void append_uint_field(std::string& out, std::uint32_t field, std::uint64_t value);
void append_sint_field(std::string& out, std::uint32_t field, std::int64_t value);
void append_double_field(std::string& out, std::uint32_t field, double value);
void append_bytes_field(std::string& out, std::uint32_t field, std::string_view bytes);

}  // namespace epsitter::protobuf
