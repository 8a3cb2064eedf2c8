// Which Host headers our port answers: a browser lured by DNS rebinding sends the attacker's name.
#include "web/host_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

#include "text/glob.hpp"

namespace epsitter {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_ip_literal(const std::string& name, bool bracketed) {
  unsigned char address[16];
  return bracketed ? inet_pton(AF_INET6, name.c_str(), address) == 1
                   : inet_pton(AF_INET, name.c_str(), address) == 1;
}

// The host name of a Host header, lower-cased, without its port and one trailing dot; nullopt when
// it is malformed (an IPv6 literal without its closing bracket, a port that is not digits).
std::optional<std::string> host_name(std::string_view header, bool& bracketed) {
  std::string_view name = header;
  std::string_view port;
  bracketed = !name.empty() && name.front() == '[';
  if (bracketed) {
    const std::size_t close = name.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    port = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') return std::nullopt;
  } else if (const std::size_t colon = name.rfind(':'); colon != std::string_view::npos) {
    port = name.substr(colon);
    name = name.substr(0, colon);
  }
  if (!port.empty()) {
    port.remove_prefix(1);
    const bool digits =
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || port.size() > 5) return std::nullopt;
  }
  if (!bracketed && !name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), lower);
  return lowered;
}

}  // namespace

HostPolicy::HostPolicy(std::vector<std::string> extra_globs)
    : extra_globs_(std::move(extra_globs)) {}

bool HostPolicy::allows(const char* host) const {
  if (host == nullptr) return true;
  bool bracketed = false;
  const std::optional<std::string> name = host_name(host, bracketed);
  if (!name) return false;
  if (is_ip_literal(*name, bracketed)) return true;
  if (bracketed) return false;
  const bool dns_name = std::all_of(name->begin(), name->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
  if (!dns_name) return false;
  if (*name == "localhost" || name->find('.') == std::string::npos) return true;
  if (ends_with(*name, ".svc") || ends_with(*name, ".svc.cluster.local")) return true;
  return std::any_of(extra_globs_.begin(), extra_globs_.end(),
                     [&name](const std::string& glob) { return text::glob_matches(glob, *name); });
}

}  // namespace epsitter
