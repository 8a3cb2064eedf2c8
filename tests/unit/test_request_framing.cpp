// Unit tests for the framing checks against request smuggling.
#include <catch2/catch.hpp>

#include "web/request_framing.hpp"

using namespace epsitter;

namespace {

std::optional<std::string_view> problem(std::string_view method, std::vector<HeaderField> headers) {
  return framing_problem(method, headers, false);
}

}  // namespace

TEST_CASE("ordinary requests pass", "[request_framing]") {
  CHECK_FALSE(problem("GET", {{"Host", "127.0.0.1:8989"}, {"Accept-Encoding", "gzip"}}));
  CHECK_FALSE(problem("GET", {{"Host", "x"}, {"Content-Length", "0"}}));  // some clients send it
  CHECK_FALSE(problem("HEAD", {}));
  CHECK_FALSE(problem("POST", {{"Host", "x"}, {"Content-Length", "2"}}));
  CHECK_FALSE(problem("POST", {{"Transfer-Encoding", "Chunked"}}));
  CHECK_FALSE(problem("POST", {{"Content-Length", "12 "}}));  // CivetWeb keeps trailing blanks
}

TEST_CASE("two ways of framing one body are refused", "[request_framing]") {
  CHECK(problem("GET", {{"Content-Length", "60"}, {"Transfer-Encoding", "chunked"}}) ==
        std::string_view("both Content-Length and Transfer-Encoding"));
  CHECK(problem("POST", {{"transfer-encoding", "chunked"}, {"content-length", "5"}}) ==
        std::string_view("both Content-Length and Transfer-Encoding"));
  CHECK(problem("GET", {{"Content-Length", "0"}, {"Content-Length", "60"}}) ==
        std::string_view("more than one Content-Length header"));
  CHECK(problem("POST", {{"Content-Length", "5"}, {"CONTENT-LENGTH", "5"}}) ==
        std::string_view("more than one Content-Length header"));
  CHECK(problem("POST", {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}) ==
        std::string_view("more than one Transfer-Encoding header"));
}

TEST_CASE("lengths and encodings must be plain", "[request_framing]") {
  for (const char* length : {"+5", "-1", "5,5", "0x10", "", "5a", "1234567890123456789"}) {
    CHECK(problem("POST", {{"Content-Length", length}}) ==
          std::string_view("a malformed Content-Length"));
  }
  for (const char* encoding : {"gzip, chunked", "identity", "chunked, chunked", "xchunked"}) {
    CHECK(problem("POST", {{"Transfer-Encoding", encoding}}) ==
          std::string_view("a Transfer-Encoding other than chunked"));
  }
}

TEST_CASE("GET and HEAD may not carry a body", "[request_framing]") {
  for (const char* method : {"GET", "HEAD"}) {
    CHECK(problem(method, {{"Content-Length", "44"}}) ==
          std::string_view("a body on a GET or HEAD request"));
    CHECK(problem(method, {{"Transfer-Encoding", "chunked"}}) ==
          std::string_view("a body on a GET or HEAD request"));
  }
}

TEST_CASE("malformed names, two Hosts and a full header table are refused", "[request_framing]") {
  CHECK(problem("GET", {{"Host", "a"}, {"host", "b"}}) ==
        std::string_view("more than one Host header"));
  CHECK(problem("GET", {{"Content(Length)", "1"}}) ==
        std::string_view("a header name that is not a token"));
  CHECK(problem("GET", {{"", "1"}}) == std::string_view("a header name that is not a token"));
  CHECK(framing_problem("GET", {}, true) == std::string_view("too many header fields"));
}

TEST_CASE("a body is announced by a length above 0 or any encoding", "[request_framing]") {
  CHECK_FALSE(announces_body({}));
  CHECK_FALSE(announces_body({{"Content-Length", "0"}}));
  CHECK_FALSE(announces_body({{"Content-Length", "000"}}));
  CHECK(announces_body({{"Content-Length", "1"}}));
  CHECK(announces_body({{"Transfer-Encoding", "chunked"}}));
}
