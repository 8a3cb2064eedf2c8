// Unit tests for the one URL parse: RFC 3986 authority and userinfo, the ambiguous '@', and
// messages that never show a password.
#include <catch2/catch.hpp>
#include <string>

#include "config/url_check.hpp"

using namespace epsitter::detail;
using Catch::Contains;

namespace {

ParsedUrl parsed(const std::string& url) {
  UrlParse result = parse_url(url);
  INFO(url << ": " << result.problem);
  REQUIRE(result.url);
  return *result.url;
}

std::string problem(const std::string& url) {
  const UrlParse result = parse_url(url);
  REQUIRE_FALSE(result.url);
  return result.problem;
}

}  // namespace

TEST_CASE("a plain URL is taken apart without changing it", "[url]") {
  const ParsedUrl url = parsed("HTTPS://Example.COM:8443/a/../b?q=1#frag");
  CHECK(url.scheme == "https");
  CHECK(url.without_userinfo == "HTTPS://Example.COM:8443/a/../b?q=1#frag");
  CHECK_FALSE(url.user);
  CHECK_FALSE(url.password);
  CHECK(parsed("http://[::1]:8080").without_userinfo == "http://[::1]:8080");
  CHECK(parsed("http://h:/").without_userinfo == "http://h:/");
}

TEST_CASE("userinfo ends at the authority's last '@' and is percent-decoded", "[url]") {
  const ParsedUrl url = parsed("http://bob:p@ss%2Fw%3Ard@host:81/x?y=a@b#c@d");
  CHECK(url.without_userinfo == "http://host:81/x?y=a@b#c@d");
  CHECK(url.user == std::optional<std::string>{"bob"});
  CHECK(url.password == std::optional<std::string>{"p@ss/w:rd"});
  CHECK(parsed("http://a%zz:%4@h/").password == std::optional<std::string>{"%4"});
  CHECK(parsed("http://a%zz:%4@h/").user == std::optional<std::string>{"a%zz"});
  const ParsedUrl user_only = parsed("http://bob@h/");
  CHECK(user_only.user == std::optional<std::string>{"bob"});
  CHECK_FALSE(user_only.password);
  CHECK(parsed("http://:pw@h/").user == std::optional<std::string>{""});
}

TEST_CASE("a '#', '/' or '?' ends the authority, so a password holding one is an error", "[url]") {
  // RFC 3986: the authority of http://bob:p#S3CRET@host/ is "bob:p"; the rest is a fragment.
  for (const std::string url :
       {"http://bob:p#S3CRET@host/", "http://bob:8080/S3CRET@host/", "http://bob:8080?S3CRET@host/",
        "http://bob#S3CRET@host/", "http://bob/S3CRET@host/", "http://host/path/@me"}) {
    INFO(url);
    const std::string text = problem(url);
    CHECK_THAT(text, Contains("has an '@' after its host but no user info before it"));
    CHECK_THAT(text, Contains("%2F, %3F, %23") && Contains("%40"));
    CHECK(text.find("S3CRET") == std::string::npos);
  }
  // With userinfo, a later '@' belongs to the path or query, as in any URL.
  CHECK(parsed("http://u:p@host/a@b?c=d@e").without_userinfo == "http://host/a@b?c=d@e");
  CHECK(parsed("http://host/a%40b").without_userinfo == "http://host/a%40b");
}

TEST_CASE("a port is quoted only when no '@' could make it part of a password", "[url]") {
  CHECK(problem("http://h:80x/") == R"(has an invalid port "80x")");
  CHECK(problem("http://bob:S3CRET@h:99x/") ==
        "has an invalid port (not a number from 1 to 65535)");
  CHECK(problem("http://u:p@h:0/a") == "has an invalid port (not a number from 1 to 65535)");
}

TEST_CASE("what cannot be requested is refused", "[url]") {
  CHECK_THAT(problem("my-app:8080"), Contains("is not an absolute URL"));
  CHECK_THAT(problem("b@d://host/"), Contains("is not an absolute URL"));
  CHECK_THAT(problem("ftp://host/"), Contains(R"(uses scheme "ftp": only http and https)"));
  CHECK(problem("http:///x") == "has no host");
  CHECK(problem("http://u:p@/x") == "has no host");
  CHECK(problem("http://[::1/") == "has an IPv6 address without its closing ']'");
  CHECK(problem("http://[::1]x/") == "has text after the host that is not a port");
  CHECK_THAT(problem("http://h/a\nb"), Contains("control character"));
  CHECK_THAT(problem("http://h/a b"), Contains("contains a space"));
  CHECK_THAT(problem("http://u:%0a@h/"), Contains("decodes to a control character"));
  CHECK(parse_url("socks5://p:3128", {"http", "socks5"}).url);
}

TEST_CASE("redacted hides everything between :// and the last '@' of the whole text", "[url]") {
  CHECK(redacted("http://bob:p#S3CRET@host/") == "http://***@host/");
  CHECK(redacted("http://bob:8080/S3CRET@host/x") == "http://***@host/x");
  CHECK(redacted("http://u:p@h/a@b") == "http://***@b");  // conservative: the host goes too
  CHECK(redacted("u:secret@host/x") == "***@host/x");
  CHECK(redacted("http://host/x") == "http://host/x");
}
