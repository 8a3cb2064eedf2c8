// How a text value is written into a log line: quoted and escaped the logfmt way, so that no value
// (a target name, a URL, a server's error text, a config error) can add a field or a line.
#include "log/logfmt.hpp"

#include <cstdint>

namespace epsitter {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

void append_unicode_escape(std::string& out, std::uint32_t code) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 0xf];
}

bool is_continuation(unsigned char byte) {
  return (byte & 0xc0) == 0x80;
}

// The length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF) and its code point; 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t at, std::uint32_t& code) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80;  // the range of the second byte, narrower after some lead bytes
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0f;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (text.size() - at < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  return length;
}

bool ends_lines_somewhere(std::uint32_t code) {
  return (code >= 0x80 && code <= 0x9f) || code == 0x2028 || code == 0x2029;
}

void append_ascii(std::string& out, char c) {
  switch (c) {
    case '\\':
      out += "\\\\";
      return;
    case '"':
      out += "\\\"";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7f) {
    append_byte_escape(out, byte);
  } else {
    out += c;
  }
}

}  // namespace

std::string logfmt_quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      append_ascii(out, text[at]);
      ++at;
      continue;
    }
    std::uint32_t code = 0;
    const std::size_t length = utf8_sequence(text, at, code);
    if (length == 0) {
      append_byte_escape(out, byte);
      ++at;
    } else if (ends_lines_somewhere(code)) {
      append_unicode_escape(out, code);
      at += length;
    } else {
      out.append(text, at, length);
      at += length;
    }
  }
  out += '"';
  return out;
}

}  // namespace epsitter
