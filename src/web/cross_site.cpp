// Refusing state-changing requests (POST /-/reload) that a web page on another site could send.
#include "web/cross_site.hpp"

#include <algorithm>

namespace epsitter {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&lower](char x, char y) { return lower(x) == lower(y); });
}

// "http://host:port" -> "host:port"; empty for anything else (null, other schemes, a path).
std::string_view authority_of(std::string_view origin) {
  for (const std::string_view scheme :
       {std::string_view{"http://"}, std::string_view{"https://"}}) {
    if (origin.size() > scheme.size() &&
        equal_ignoring_case(origin.substr(0, scheme.size()), scheme)) {
      const std::string_view rest = origin.substr(scheme.size());
      return rest.find('/') == std::string_view::npos ? rest : std::string_view{};
    }
  }
  return {};
}

}  // namespace

std::optional<std::string_view> cross_site_problem(const HeaderLookup& header) {
  const char* marker = header(kReloadHeader);
  if (marker == nullptr || *marker == '\0') {
    return "POST /-/reload needs the header `X-Epsitter-Reload: 1` (a web page of another site "
           "cannot send it)";
  }
  if (const char* site = header("Sec-Fetch-Site")) {
    if (!equal_ignoring_case(site, "same-origin") && !equal_ignoring_case(site, "none")) {
      return "a cross-site request (Sec-Fetch-Site)";
    }
  }
  if (const char* origin = header("Origin")) {
    const char* host = header("Host");
    const std::string_view authority = authority_of(origin);
    if (host == nullptr || authority.empty() || !equal_ignoring_case(authority, host)) {
      return "a request from another origin (its Origin is not this server)";
    }
  }
  return std::nullopt;
}

}  // namespace epsitter
