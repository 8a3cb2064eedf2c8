// What changes from one redirect hop to the next: origins compared, methods and bodies changed.
#include <catch2/catch.hpp>

#include "probe/redirects.hpp"

using namespace epsitter;

TEST_CASE("an origin is scheme, lower-case host and port, the default port filled in") {
  const auto plain = origin_of("http://Example.COM/a?b");
  REQUIRE(plain);
  CHECK(*plain == Origin{"http", "example.com", 80});
  CHECK(*origin_of("https://example.com:443/") == Origin{"https", "example.com", 443});
  CHECK(*origin_of("https://u:p@example.com/") == Origin{"https", "example.com", 443});
  CHECK(*origin_of("http://[::1]:8080/") == Origin{"http", "[::1]", 8080});
  CHECK(*origin_of("http://example.com/") != *origin_of("https://example.com/"));
  CHECK(*origin_of("http://example.com/") != *origin_of("http://example.com:8080/"));
  CHECK(*origin_of("http://example.com/") != *origin_of("http://example.org/"));
  CHECK_FALSE(origin_of("ftp://example.com/"));
  CHECK_FALSE(origin_of("/relative"));
  CHECK_FALSE(origin_of("http://exa mple.com/"));
}

TEST_CASE("the statuses followed are 301, 302, 303, 307 and 308") {
  for (const long status : {301L, 302L, 303L, 307L, 308L}) CHECK(is_followed_redirect(status));
  for (const long status : {200L, 300L, 304L, 305L, 306L, 309L, 404L}) {
    CHECK_FALSE(is_followed_redirect(status));
  }
}

TEST_CASE("methods and bodies after a redirect are what browsers send") {
  CHECK(after_redirect("POST", 301).method == "GET");
  CHECK_FALSE(after_redirect("POST", 302).keeps_body);
  CHECK(after_redirect("PUT", 302).method == "PUT");
  CHECK(after_redirect("PUT", 302).keeps_body);
  CHECK(after_redirect("PUT", 303).method == "GET");
  CHECK_FALSE(after_redirect("DELETE", 303).keeps_body);
  CHECK(after_redirect("HEAD", 303).method == "HEAD");
  CHECK(after_redirect("POST", 307).method == "POST");
  CHECK(after_redirect("POST", 308).keeps_body);
  CHECK(after_redirect("GET", 301).method == "GET");
}
