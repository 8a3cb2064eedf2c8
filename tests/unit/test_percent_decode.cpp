// Unit tests for percent-decoding names taken from request paths.
#include <catch2/catch.hpp>

#include "text/percent_decode.hpp"

using namespace epsitter;

TEST_CASE("percent escapes decode to bytes, in either case of hex digit") {
  CHECK(text::percent_decoded("plain-name_1.x") == "plain-name_1.x");
  CHECK(text::percent_decoded("a%20b") == "a b");
  CHECK(text::percent_decoded("a%2Fb%2fc") == "a/b/c");
  CHECK(text::percent_decoded("%3Cx%3E%26%22%27") == "<x>&\"'");
  CHECK(text::percent_decoded("caf%C3%A9") == "caf\xC3\xA9");
  CHECK(text::percent_decoded("a%00b") == std::string("a\0b", 3));
}

TEST_CASE("a plus stays a plus and a broken escape stays as it was") {
  CHECK(text::percent_decoded("a+b") == "a+b");
  CHECK(text::percent_decoded("100%") == "100%");
  CHECK(text::percent_decoded("%4") == "%4");
  CHECK(text::percent_decoded("%zz%2") == "%zz%2");
  CHECK(text::percent_decoded("%%41") == "%A");
  CHECK(text::percent_decoded("") == "");
}
