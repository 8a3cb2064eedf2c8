// One parse of absolute http(s) URLs (RFC 3986), shared by validation, the url label, the request
// and every message that names a URL, so that what is checked is what is requested and no message
// quotes a password.
#include "config/url_check.hpp"

#include <algorithm>
#include <string_view>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "text/ascii.hpp"
#include "text/percent_decode.hpp"

namespace epsitter::detail {
namespace {

constexpr std::string_view kSeparator = "://";

// RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view text) {
  const auto is_alpha = [](char c) { return text::is_ascii_alpha(c); };
  return !text.empty() && is_alpha(text.front()) &&
         std::all_of(text.begin(), text.end(), [&](char c) {
           return is_alpha(c) || is_ascii_digit(c) || c == '+' || c == '-' || c == '.';
         });
}

std::optional<std::string> port_problem(std::string_view port, bool may_quote) {
  if (port.empty()) return std::nullopt;  // "host:" is legal and means the default port
  const std::optional<long long> number = parse_integer(port);
  if (number && *number >= 1 && *number <= 65'535) return std::nullopt;
  // Without userinfo, "bob:pa55" is a host and a bad port; with an '@' anywhere, the "port" may
  // be the start of a password.
  return may_quote ? "has an invalid port " + quote(port)
                   : std::string{"has an invalid port (not a number from 1 to 65535)"};
}

// Checks host and port: the host is non-empty, an IPv6 literal is bracketed, a port is 1..65535.
std::optional<std::string> host_port_problem(std::string_view host_port, bool may_quote) {
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
  return port_problem(rest.substr(1), may_quote);
}

std::string only_list(const std::vector<std::string>& schemes) {
  std::string text;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (i > 0) text += i + 1 == schemes.size() ? " and " : ", ";
    text += schemes[i];
  }
  return text;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

UrlParse refused(std::string problem) {
  return UrlParse{std::nullopt, std::move(problem)};
}

}  // namespace

UrlParse parse_url(const std::string& url, const std::vector<std::string>& schemes) {
  if (has_control_character(url)) {
    return refused("contains a control character (a line break, tab or similar)");
  }
  if (url.find(' ') != std::string::npos) {
    return refused("contains a space (percent-encode it as %20)");
  }
  const std::size_t separator = url.find(kSeparator);
  if (separator == std::string::npos || !is_scheme(std::string_view{url}.substr(0, separator))) {
    std::string examples;
    for (const std::string& scheme : schemes) {
      examples += (examples.empty() ? "" : " or ") + scheme + "://host/...";
    }
    return refused("is not an absolute URL: expected " + examples);
  }
  ParsedUrl parsed;
  parsed.scheme = to_lower_ascii(std::string_view{url}.substr(0, separator));
  if (std::find(schemes.begin(), schemes.end(), parsed.scheme) == schemes.end()) {
    return refused("uses scheme " + quote(parsed.scheme) + ": only " + only_list(schemes) +
                   " are supported");
  }
  const std::size_t authority = separator + kSeparator.size();
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority), url.size());
  const std::string_view authority_text{url.data() + authority, authority_end - authority};
  const std::size_t at = authority_text.rfind('@');
  const bool has_userinfo = at != std::string_view::npos;
  if (!has_userinfo && url.find('@', authority_end) != std::string::npos) {
    return refused(
        "has an '@' after its host but no user info before it, which is ambiguous: if a "
        "password holds a '/', '?' or '#', percent-encode them in it (%2F, %3F, %23) as in "
        "http://user:pa%2Fss@host/; if the path or query holds an '@', write it as %40");
  }
  const std::size_t host = has_userinfo ? authority + at + 1 : authority;
  const bool may_quote = url.find('@') == std::string::npos;
  if (auto problem =
          host_port_problem(std::string_view{url}.substr(host, authority_end - host), may_quote)) {
    return refused(*problem);
  }
  if (has_userinfo) {
    const std::string_view userinfo = authority_text.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    parsed.user = text::percent_decoded(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      parsed.password = text::percent_decoded(userinfo.substr(colon + 1));
    }
    if (has_control_character(*parsed.user) ||
        has_control_character(parsed.password.value_or(""))) {
      return refused("has user info that decodes to a control character (value not shown)");
    }
  }
  parsed.without_userinfo = url.substr(0, authority) + url.substr(host);
  return UrlParse{std::move(parsed), {}};
}

std::optional<std::string> url_problem(const std::string& url,
                                       const std::vector<std::string>& schemes) {
  UrlParse parsed = parse_url(url, schemes);
  if (parsed.url) return std::nullopt;
  return std::move(parsed.problem);
}

std::string redacted(const std::string& url) {
  const std::size_t at = url.rfind('@');
  if (at == std::string::npos) return url;
  const std::size_t separator = url.find(kSeparator);
  const std::size_t start =
      separator != std::string::npos && separator < at ? separator + kSeparator.size() : 0;
  return url.substr(0, start) + "***" + url.substr(at);
}

}  // namespace epsitter::detail
