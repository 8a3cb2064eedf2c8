// Renders the OAuth 2.0 token endpoint families: requests by status, and failures to get a token.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace epsitter {

class FamilyWriter;

struct OAuth2Counts {
  std::map<std::pair<std::string, int>, std::uint64_t> requests;  // (token_url, status) -> count
  std::map<std::string, std::uint64_t> failures;                  // token_url -> count
};

// `prefix`_oauth2_token_requests_total{token_url,status} and
// `prefix`_oauth2_token_failures_total{token_url}; nothing before the first token request.
std::string render_oauth2_metrics(std::string_view prefix, const OAuth2Counts& counts);
// The same families in any format.
void write_oauth2_metrics(FamilyWriter& out, std::string_view prefix, const OAuth2Counts& counts);

}  // namespace epsitter
