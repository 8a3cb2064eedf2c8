// Checks of absolute http(s) URLs, and their userinfo removed for labels and messages.
#include "config/url_check.hpp"

#include <algorithm>
#include <string_view>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"

namespace epsitter::detail {
namespace {

// Where the authority ("user:pass@host:port") sits in an absolute URL, as offsets into the text.
struct Authority {
  std::size_t begin;
  std::size_t end;
};

std::optional<Authority> find_authority(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  const std::size_t begin = separator + 3;
  const std::size_t end = url.find_first_of("/?#", begin);
  return Authority{begin, end == std::string_view::npos ? url.size() : end};
}

// The userinfo ends at the last '@' of the authority (an unescaped '@' may appear in the password).
std::optional<std::size_t> userinfo_end(std::string_view url, const Authority& authority) {
  const std::size_t at = url.substr(authority.begin, authority.end - authority.begin).rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  return authority.begin + at + 1;
}

std::optional<std::string> port_problem(std::string_view port) {
  if (port.empty()) return std::nullopt;  // "host:" is legal and means the default port
  const std::optional<long long> number = parse_integer(port);
  if (number && *number >= 1 && *number <= 65'535) return std::nullopt;
  return "has an invalid port " + quote(port);
}

// Checks host and port: the host is non-empty, an IPv6 literal is bracketed, a port is 1..65535.
std::optional<std::string> host_port_problem(std::string_view host_port) {
  std::size_t host_end = 0;
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return "has an IPv6 address without its closing ']'";
    if (close == 1) return "has no host";
    host_end = close + 1;
  } else {
    host_end = std::min(host_port.find(':'), host_port.size());
    if (host_end == 0) return "has no host";
  }
  const std::string_view rest = host_port.substr(host_end);
  if (rest.empty()) return std::nullopt;
  if (rest.front() != ':') return "has text after the host that is not a port";
  return port_problem(rest.substr(1));
}

std::string only_list(const std::vector<std::string>& schemes) {
  std::string text;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (i > 0) text += i + 1 == schemes.size() ? " and " : ", ";
    text += schemes[i];
  }
  return text;
}

}  // namespace

std::string without_userinfo(const std::string& url) {
  const std::optional<Authority> authority = find_authority(url);
  if (!authority) return url;
  const std::optional<std::size_t> host_begin = userinfo_end(url, *authority);
  if (!host_begin) return url;
  return url.substr(0, authority->begin) + url.substr(*host_begin);
}

std::string redacted(const std::string& url) {
  if (find_authority(url)) return without_userinfo(url);
  const std::size_t at = url.rfind('@');
  return at == std::string::npos ? url : "***@" + url.substr(at + 1);
}

std::string scheme_of(const std::string& url) {
  const std::optional<Authority> authority = find_authority(url);
  if (!authority) return "";
  return to_lower_ascii(std::string_view{url}.substr(0, authority->begin - 3));
}

std::optional<std::string> url_problem(const std::string& url,
                                       const std::vector<std::string>& schemes) {
  const bool has_control = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (has_control) return "contains a control character (a line break, tab or similar)";
  const std::optional<Authority> authority = find_authority(url);
  if (!authority) {
    std::string examples;
    for (const std::string& scheme : schemes) {
      examples += (examples.empty() ? "" : " or ") + scheme + "://host/...";
    }
    return "is not an absolute URL: expected " + examples;
  }
  const std::string scheme = scheme_of(url);
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
    return "uses scheme " + quote(scheme) + ": only " + only_list(schemes) + " are supported";
  }
  const std::size_t host_begin = userinfo_end(url, *authority).value_or(authority->begin);
  return host_port_problem(std::string_view{url}.substr(host_begin, authority->end - host_begin));
}

}  // namespace epsitter::detail
