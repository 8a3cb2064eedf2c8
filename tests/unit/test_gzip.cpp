// Unit tests for Accept-Encoding negotiation: which scrapers get /metrics gzipped.
#include <catch2/catch.hpp>

#include "web/gzip.hpp"

using namespace epsitter;

TEST_CASE("Prometheus' Accept-Encoding is understood as accepting gzip") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("deflate;q=1.0, GZIP;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip(" identity , gzip "));
}

TEST_CASE("gzip refused or absent is not taken as accepted") {
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.0, deflate"));
  CHECK_FALSE(accepts_gzip("x-gzip2"));
  CHECK_FALSE(accepts_gzip("gzip;q=nonsense"));
}
