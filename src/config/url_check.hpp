// One parse of absolute http(s) URLs (RFC 3986), shared by validation, the url label, the request
// and every message that names a URL, so that what is checked is what is requested and no message
// quotes a password.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace epsitter::detail {

// An absolute URL that passed the checks, taken apart.
struct ParsedUrl {
  std::string scheme;  // lower case
  // The URL as written with "userinfo@" cut out of the authority and nothing else changed: what
  // is requested, what the url label shows and what messages quote.
  std::string without_userinfo;
  // From the userinfo, percent-decoded (as libcurl decodes it): the user, and the password when
  // the userinfo has a ':'. Unset when the URL has no userinfo.
  std::optional<std::string> user;
  std::optional<std::string> password;
};

// `url` taken apart, or why it cannot be requested: it is not an absolute URL with one of `schemes`
// (lower case), a host and a valid port; it has a control character or a space; or it is
// ambiguous. RFC 3986: the authority ends at the first '/', '?' or '#' after "://", and the
// userinfo at the authority's last '@' (as browsers read it). So in "http://bob:p#S3CRET@host/"
// the authority is "bob:p" (an invalid port): a password's '#', '/' or '?' must be
// percent-encoded. An '@' after the authority in a URL without userinfo, as in
// "http://bob:8080/S3CRET@host/", is refused as ambiguous: it is almost always such a password,
// which would otherwise go to host "bob" in the clear. The problem never quotes the text around
// an '@'; callers quote redacted(url) before it.
struct UrlParse {
  std::optional<ParsedUrl> url;
  std::string problem;  // set when `url` is not
};
UrlParse parse_url(const std::string& url,
                   const std::vector<std::string>& schemes = {"http", "https"});

// The problem of parse_url, or nullopt when `url` is fine.
std::optional<std::string> url_problem(const std::string& url,
                                       const std::vector<std::string>& schemes = {"http", "https"});

// For messages about a URL, valid or not: everything between "://" (or the start) and the last
// '@' of the whole text is replaced by "***", so that no part of a password shows, however the
// URL is malformed.
std::string redacted(const std::string& url);

}  // namespace epsitter::detail
