// Unit tests for the logfmt quoting of log values: nothing a value holds can end the value or the
// line it is logged in.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "log/logfmt.hpp"

using namespace epsitter;

TEST_CASE("a plain value is quoted as it is", "[logfmt]") {
  CHECK(logfmt_quoted("web") == "\"web\"");
  CHECK(logfmt_quoted("") == "\"\"");
  CHECK(logfmt_quoted("a b=c") == "\"a b=c\"");
}

TEST_CASE("quotes, backslashes and line breaks are escaped", "[logfmt]") {
  CHECK(logfmt_quoted("say \"hi\"") == R"("say \"hi\"")");
  CHECK(logfmt_quoted("C:\\dir") == R"("C:\\dir")");
  CHECK(logfmt_quoted("a\nlevel=critical msg=\"x\"") == R"("a\nlevel=critical msg=\"x\"")");
  CHECK(logfmt_quoted("a\r\nb\tc") == R"("a\r\nb\tc")");
}

TEST_CASE("other control bytes and DEL are written as \\xNN", "[logfmt]") {
  CHECK(logfmt_quoted(std::string_view{"a\0b", 3}) == R"("a\x00b")");
  CHECK(logfmt_quoted("\x1b[31mred\x7f") == R"("\x1b[31mred\x7f")");
}

TEST_CASE("UTF-8 text stays readable, but Unicode line breaks are escaped", "[logfmt]") {
  CHECK(logfmt_quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(logfmt_quoted("a\xc2\x85"
                      "b") == R"("a\u0085b")");  // NEL
  CHECK(logfmt_quoted("a\xe2\x80\xa8"
                      "b\xe2\x80\xa9") == R"("a\u2028b\u2029")");
  CHECK(logfmt_quoted("\xc2\x9b") == R"("\u009b")");  // C1 CSI
}

TEST_CASE("bytes that are not UTF-8 are written as \\xNN", "[logfmt]") {
  CHECK(logfmt_quoted("\xff") == R"("\xff")");
  CHECK(logfmt_quoted("\xc3") == R"("\xc3")");                          // cut short
  CHECK(logfmt_quoted("\xc0\xaf") == R"("\xc0\xaf")");                  // overlong '/'
  CHECK(logfmt_quoted("\xed\xa0\x80") == R"("\xed\xa0\x80")");          // a surrogate
  CHECK(logfmt_quoted("\xf4\x90\x80\x80") == R"("\xf4\x90\x80\x80")");  // past U+10FFFF
  CHECK(logfmt_quoted("\xe2\x28\xa1") == R"("\xe2(\xa1")");
}

TEST_CASE("every byte value gives one line of printable output", "[logfmt]") {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
  const std::string quoted = logfmt_quoted(all + all);
  CHECK(quoted.find('\n') == std::string::npos);
  CHECK(quoted.find('\r') == std::string::npos);
  for (const char c : quoted) CHECK(static_cast<unsigned char>(c) >= 0x20);
  // Inside the quotes, every '"' is escaped.
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '"') CHECK(quoted[i - 1] == '\\');
  }
}

TEST_CASE("logged() formats as the quoted value", "[logfmt]") {
  CHECK(fmt::format("target={} n={}", logged("a\"b"), 3) == R"(target="a\"b" n=3)");
}
