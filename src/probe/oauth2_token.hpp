// The OAuth 2.0 client-credentials token request (RFC 6749 4.4) and the reading of its answer:
// pure functions, so that both are tested without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "config/oauth2_settings.hpp"
#include "probe/probe_request.hpp"
#include "probe/probe_result.hpp"

namespace epsitter {

// A token response is a few hundred bytes; a bigger one is not a token endpoint's.
inline constexpr std::int64_t kMaxTokenResponseBytes = 64 * 1024;

// POST token_url, form body grant_type=client_credentials, scope (space-joined), the params; the
// client id and secret as HTTP basic auth, each form-encoded first as RFC 6749 2.3.1 says (and as
// Go's oauth2 sends them in its header style). No redirect is followed, so that the secret goes
// to token_url's origin only; the system's CAs verify it.
ProbeRequest make_token_request(const OAuth2Settings& settings, std::chrono::milliseconds timeout,
                                const std::string& user_agent);

struct TokenResponse {
  std::optional<std::string> access_token;  // unset: `problem` says why
  // The lifetime the endpoint announced (expires_in, seconds); unset when it gave none or <= 0.
  std::optional<std::chrono::milliseconds> expires_in;
  std::string problem;  // for logs and the probe's detail; never quotes the body or a secret
};

// Reads the token endpoint's answer: a 2xx JSON object with a non-empty access_token and a
// token_type of Bearer (any case; a missing one is taken as Bearer, as Go's oauth2 does).
TokenResponse read_token_response(const ProbeResult& result);

// How long a token is used: its expires_in less a margin of 10% (at most 60 s), so that a probe
// never sends one about to expire; a token without expires_in is used for kTokenDefaultLifetime.
inline constexpr std::chrono::milliseconds kTokenDefaultLifetime = std::chrono::hours(1);
std::chrono::milliseconds token_lifetime(std::optional<std::chrono::milliseconds> expires_in);

}  // namespace epsitter
