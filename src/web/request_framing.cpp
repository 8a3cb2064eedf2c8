// Request framing checks against request smuggling: one unambiguous body length, or none.
#include "web/request_framing.hpp"

#include <algorithm>
#include <cstring>

namespace epsitter {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

// RFC 9110 token characters.
bool is_token(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
  });
}

std::size_t count(const std::vector<HeaderField>& headers, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(),
                    [name](const HeaderField& h) { return same_name(h.name, name); }));
}

const HeaderField* find(const std::vector<HeaderField>& headers, std::string_view name) {
  const auto found = std::find_if(headers.begin(), headers.end(),
                                  [name](const HeaderField& h) { return same_name(h.name, name); });
  return found == headers.end() ? nullptr : &*found;
}

// CivetWeb drops the whitespace before a value but keeps any after it.
std::string_view trimmed(std::string_view value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// 1 to 18 digits: anything longer is not a length we would ever read, and strtoll stays in range.
bool is_plain_length(std::string_view value) {
  return !value.empty() && value.size() <= 18 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_zero(std::string_view length) {
  return std::all_of(length.begin(), length.end(), [](char c) { return c == '0'; });
}

}  // namespace

std::optional<std::string_view> framing_problem(std::string_view method,
                                                const std::vector<HeaderField>& headers,
                                                bool field_limit_reached) {
  if (field_limit_reached) return "too many header fields";
  if (!std::all_of(headers.begin(), headers.end(),
                   [](const HeaderField& header) { return is_token(header.name); })) {
    return "a header name that is not a token";
  }
  if (count(headers, "Host") > 1) return "more than one Host header";
  const std::size_t lengths = count(headers, "Content-Length");
  const std::size_t encodings = count(headers, "Transfer-Encoding");
  if (lengths > 1) return "more than one Content-Length header";
  if (encodings > 1) return "more than one Transfer-Encoding header";
  if (lengths > 0 && encodings > 0) return "both Content-Length and Transfer-Encoding";
  const HeaderField* length = find(headers, "Content-Length");
  if (length != nullptr && !is_plain_length(trimmed(length->value)))
    return "a malformed Content-Length";
  const HeaderField* encoding = find(headers, "Transfer-Encoding");
  if (encoding != nullptr && !same_name(trimmed(encoding->value), "chunked")) {
    return "a Transfer-Encoding other than chunked";
  }
  if ((method == "GET" || method == "HEAD") && announces_body(headers)) {
    return "a body on a GET or HEAD request";
  }
  return std::nullopt;
}

bool announces_body(const std::vector<HeaderField>& headers) {
  if (find(headers, "Transfer-Encoding") != nullptr) return true;
  const HeaderField* length = find(headers, "Content-Length");
  return length != nullptr && !is_zero(trimmed(length->value));
}

}  // namespace epsitter
