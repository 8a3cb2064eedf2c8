// Checks of absolute http(s) URLs, and their userinfo removed for labels and messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace epsitter::detail {

// Why `url` is not an absolute URL with one of `schemes` (lower case) and a valid host and port,
// or nullopt when it is.
std::optional<std::string> url_problem(const std::string& url,
                                       const std::vector<std::string>& schemes = {"http", "https"});

// The URL with "user:pass@" cut out of the authority and nothing else changed, so the metric label
// shows what was configured minus the credentials.
std::string without_userinfo(const std::string& url);

// For error messages: credentials removed even from a URL too malformed to parse.
std::string redacted(const std::string& url);

// The scheme of an absolute URL, lower case ("" when there is none).
std::string scheme_of(const std::string& url);

}  // namespace epsitter::detail
