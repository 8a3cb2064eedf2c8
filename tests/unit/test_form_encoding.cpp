// The form body of a payload map: Python's str() of PyYAML's values and urlencode's quoting.
#include <catch2/catch.hpp>
#include <limits>

#include "config/form_encoding.hpp"

using epsitter::detail::form_urlencode;
using epsitter::detail::FormFields;
using epsitter::detail::Json;
using epsitter::detail::python_str;

TEST_CASE("scalars print as Python's str() printed what PyYAML typed") {
  CHECK(python_str(Json(true)) == "True");
  CHECK(python_str(Json(false)) == "False");
  CHECK(python_str(Json(nullptr)) == "None");
  CHECK(python_str(Json(1)) == "1");
  CHECK(python_str(Json(-12)) == "-12");
  CHECK(python_str(Json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615");
  CHECK(python_str(Json("text as it is")) == "text as it is");
}

TEST_CASE("floats print as Python's repr: shortest digits, exponent below 1e-4 and from 1e16") {
  // Each expected text is Python 3's repr() of the same double.
  CHECK(python_str(Json(1.5)) == "1.5");
  CHECK(python_str(Json(1.0)) == "1.0");
  CHECK(python_str(Json(-0.0)) == "-0.0");
  CHECK(python_str(Json(0.0001)) == "0.0001");
  CHECK(python_str(Json(0.00001)) == "1e-05");
  CHECK(python_str(Json(1.5e-7)) == "1.5e-07");
  CHECK(python_str(Json(1234567890123456.0)) == "1234567890123456.0");
  CHECK(python_str(Json(1e16)) == "1e+16");
  CHECK(python_str(Json(12345678901234567.0)) == "1.2345678901234568e+16");
  CHECK(python_str(Json(1e300)) == "1e+300");
  CHECK(python_str(Json(5e-324)) == "5e-324");
  CHECK(python_str(Json(0.1 + 0.2)) == "0.30000000000000004");
  CHECK(python_str(Json(685230.15)) == "685230.15");
}

TEST_CASE("keys and values are quoted as urllib.parse.quote_plus quotes them") {
  // urlencode([("a b", "x&y=z"), ...]) in Python 3.
  const FormFields fields{{"a b", "x&y=z"},
                          {"safe", "AZaz09_.-~"},
                          {"reserved", "!*'();:@&=+$,/?#[]"},
                          {"utf8", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"},
                          {"empty", ""}};
  CHECK(form_urlencode(fields) ==
        "a+b=x%26y%3Dz&safe=AZaz09_.-~&reserved=%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B"
        "%5D&utf8=%C3%A9t%C3%A9+%E2%82%AC&empty=");
}

TEST_CASE("a repeated key stays repeated in order, and no pairs make an empty body") {
  CHECK(form_urlencode({{"k", "1"}, {"k", "2"}, {"j", "3"}}) == "k=1&k=2&j=3");
  CHECK(form_urlencode({}).empty());
}
