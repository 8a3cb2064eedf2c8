// Request framing checks against request smuggling: one unambiguous body length, or none.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace epsitter {

struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Why a request's framing is refused (a 400 whose connection is then closed), or nullopt.
//
// A proxy in front of us and CivetWeb could read such a request's length differently, and what one
// of them takes for a body the other runs as the next request: CivetWeb 1.15 lets
// Transfer-Encoding win over Content-Length and takes the first of two Content-Lengths, so a GET
// carrying a hidden `POST /-/reload` ran it. Refused: both headers at once, either one twice, a
// Content-Length that is not plain digits, a Transfer-Encoding other than `chunked`, a body on GET
// or HEAD (none of our GET routes reads one), two Host headers, a header name that is not an HTTP
// token, and `field_limit_reached` (CivetWeb keeps 64 header fields and silently drops the rest).
std::optional<std::string_view> framing_problem(std::string_view method,
                                                const std::vector<HeaderField>& headers,
                                                bool field_limit_reached);

// The request announces a body (Content-Length above 0, or any Transfer-Encoding). We never read
// one, so its connection is closed after the answer rather than reused.
bool announces_body(const std::vector<HeaderField>& headers);

}  // namespace epsitter
