// How a text value is written into a log line: quoted and escaped the logfmt way, so that no value
// (a target name, a URL, a server's error text, a config error) can add a field or a line.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace epsitter {

// `text` in double quotes, with every byte that could end the value or the line escaped:
// backslash and double quote as \\ and \", line feed, carriage return and tab as \n, \r and \t,
// other C0 controls and DEL as \xNN, the C1 controls and the Unicode line and paragraph
// separators (U+0085, U+2028, U+2029 end lines in some readers) as \uNNNN, and bytes that are not
// UTF-8 as \xNN. The result is always valid UTF-8 without a line break.
std::string logfmt_quoted(std::string_view text);

// The one rule of every log line: a text value is always written through this (quoted, even when
// it needs no escape); only numbers and booleans that epsitter computes itself are written bare.
// Use: log.warn("msg=\"probe failed\" target={}", logged(name)).
struct LoggedText {
  std::string_view text;
};
inline LoggedText logged(std::string_view text) {
  return LoggedText{text};
}

}  // namespace epsitter

template <>
struct fmt::formatter<epsitter::LoggedText> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const epsitter::LoggedText& value, FormatContext& context) const {
    return fmt::formatter<std::string_view>::format(epsitter::logfmt_quoted(value.text), context);
  }
};
