// Unit tests for reading `Authorization: Basic ...`.
#include <catch2/catch.hpp>

#include "web/basic_credentials.hpp"

using namespace epsitter;

TEST_CASE("user and password are split at the first colon", "[basic_credentials]") {
  const auto plain =
      parse_basic_authorization("Basic cHJvbWV0aGV1czpzM2NyZXQ=");  // prometheus:s3cret
  REQUIRE(plain);
  CHECK(plain->user == "prometheus");
  CHECK(plain->password == "s3cret");
  const auto colons = parse_basic_authorization("basic  YTpiOmM=");  // a:b:c, scheme in any case
  REQUIRE(colons);
  CHECK(colons->user == "a");
  CHECK(colons->password == "b:c");
  const auto empty = parse_basic_authorization("BASIC Og==");  // ":"
  REQUIRE(empty);
  CHECK(empty->user.empty());
  CHECK(empty->password.empty());
  const auto two_pad = parse_basic_authorization("Basic YWI6Yw==");  // ab:c
  REQUIRE(two_pad);
  CHECK(two_pad->password == "c");
}

TEST_CASE("other schemes and malformed tokens give nothing", "[basic_credentials]") {
  for (const char* header :
       {"", "Basic", "Basic ", "Bearer cHJvbWV0aGV1czpzM2NyZXQ=", "Basicx YTpi",
        "Basic YWJj",       // "abc": no colon
        "Basic YTpi=",      // wrong length
        "Basic YT=i",       // padding inside
        "Basic Y?pi",       // not base64
        "Basic YTpi YTpi",  // two tokens
        "Basic YW=j"}) {
    CHECK_FALSE(parse_basic_authorization(header));
  }
  CHECK_FALSE(parse_basic_authorization(nullptr));
}
