// The headers each hop of a probe sends (see request_headers.hpp).
#include "probe/request_headers.hpp"

#include <algorithm>

#include "text/ascii.hpp"

namespace epsitter {
namespace {

bool is_secret_header(const ProbeRequest& request, const std::string& name) {
  return std::any_of(request.secret_headers.begin(), request.secret_headers.end(),
                     [&name](const std::string& secret) {
                       return text::equals_ignoring_case(name, secret.c_str());
                     });
}

}  // namespace

bool has_header(const ProbeRequest& request, const char* name) {
  return std::any_of(request.headers.begin(), request.headers.end(), [name](const auto& header) {
    return text::equals_ignoring_case(header.first, name);
  });
}

bool build_header_list(const ProbeRequest& request, bool with_secrets, bool with_body,
                       CurlSlist& list) {
  const bool body_dropped = request.body && !with_body;
  for (const auto& [name, value] : request.headers) {
    if (!with_secrets && is_secret_header(request, name)) continue;
    if (body_dropped && text::equals_ignoring_case(name, "Content-Type")) continue;
    if (text::equals_ignoring_case(name, "Cookie") && !value.empty()) continue;
    // "Name;" is libcurl's way of sending a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    if (!append(list, line.c_str())) return false;
  }
  // No "Expect: 100-continue" round trip on larger bodies: a probe should measure one exchange.
  if (!append(list, "Expect:")) return false;
  // libcurl would label a body as form data; send none unless the config set one.
  if (request.body && with_body && !has_header(request, "Content-Type")) {
    if (!append(list, "Content-Type:")) return false;
  }
  return true;
}

const char* configured_cookie(const ProbeRequest& request, bool with_secrets) {
  for (const auto& [name, value] : request.headers) {
    if (!text::equals_ignoring_case(name, "Cookie") || value.empty()) continue;
    if (!with_secrets && is_secret_header(request, name)) return nullptr;
    return value.c_str();
  }
  return nullptr;
}

}  // namespace epsitter
