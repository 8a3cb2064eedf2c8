// Unit tests for percent-decoding names taken from request paths.
#include <catch2/catch.hpp>

#include "web/url_decode.hpp"

using namespace epsitter;

TEST_CASE("percent escapes decode to bytes, in either case of hex digit") {
  CHECK(url_decode("plain-name_1.x") == "plain-name_1.x");
  CHECK(url_decode("a%20b") == "a b");
  CHECK(url_decode("a%2Fb%2fc") == "a/b/c");
  CHECK(url_decode("%3Cx%3E%26%22%27") == "<x>&\"'");
  CHECK(url_decode("caf%C3%A9") == "caf\xC3\xA9");
  CHECK(url_decode("a%00b") == std::string("a\0b", 3));
}

TEST_CASE("a plus stays a plus and a broken escape stays as it was") {
  CHECK(url_decode("a+b") == "a+b");
  CHECK(url_decode("100%") == "100%");
  CHECK(url_decode("%4") == "%4");
  CHECK(url_decode("%zz%2") == "%zz%2");
  CHECK(url_decode("%%41") == "%A");
  CHECK(url_decode("") == "");
}
