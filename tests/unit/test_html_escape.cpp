// Unit tests for the status page's one HTML escaping function.
#include <catch2/catch.hpp>

#include "status/html_escape.hpp"

using namespace epsitter;

TEST_CASE("the five characters that matter in text and attributes are escaped") {
  CHECK(html_escape(R"(<script>alert("x" & 'y')</script>)") ==
        "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  CHECK(html_escape("&amp;") == "&amp;amp;");
}

TEST_CASE("everything else passes through unchanged, UTF-8 included") {
  CHECK(html_escape("") == "");
  CHECK(html_escape("https://api.example:8443/v1?a=1;b=2#x") ==
        "https://api.example:8443/v1?a=1;b=2#x");
  CHECK(html_escape("caf\xC3\xA9 \xE2\x9C\x93") == "caf\xC3\xA9 \xE2\x9C\x93");
}

TEST_CASE("appending escapes onto what is already there") {
  std::string out = "<td>";
  append_html_escaped(out, "a<b");
  CHECK(out == "<td>a&lt;b");
}
