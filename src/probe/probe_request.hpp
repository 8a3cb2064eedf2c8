// What the HTTP engine needs to send one probe; knows nothing of config files or actors.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/defaults.hpp"

namespace epsitter {

struct ProbeRequest {
  std::string url;
  std::string method = "GET";  // upper case
  std::chrono::milliseconds timeout = defaults::kRequestTimeout;
  std::optional<std::string> auth_user;  // HTTP basic auth when set
  std::optional<std::string> auth_pass;
  std::optional<std::string> bearer_token;  // Authorization: Bearer when set
  std::optional<std::string> body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Names (any case) of headers in `headers` that, like credentials, go only to the URL's origin:
  // a redirect to another scheme, host or port drops them.
  std::vector<std::string> secret_headers;
  std::string default_user_agent;  // sent unless `headers` has a User-Agent

  bool follow_redirects = true;  // at most 10 hops
  bool keepalive = false;        // false: a fresh connection, closed after the probe
  int ip_version = 0;            // 0 (either), 4 or 6
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;  // client certificate (mTLS)
  std::optional<std::string> key_file;
  bool insecure_skip_verify = false;
  // Sent as the host (SNI, Host, certificate name) while connecting to the URL's own host.
  std::optional<std::string> server_name;
  std::optional<std::string> proxy;
  std::optional<std::string> no_proxy;
  // TLS versions allowed, as minor numbers of TLS 1.x (0 to 3); unset: libcurl's defaults.
  std::optional<int> tls_min_version;
  std::optional<int> tls_max_version;
  bool http2 = true;  // false: HTTP/1.1 only (no h2 offered in ALPN)
  // Sent as Accept-Encoding ("gzip", "br", "deflate", "identity"); the body is then decoded, and
  // body_limit bounds the decoded bytes.
  std::optional<std::string> accept_encoding;

  std::int64_t body_limit =
      defaults::kBodyLimitBytes;  // bytes read at most; the rest is not downloaded
  // When set (at most body_limit): a response body longer than this fails the probe
  // (ProbeResult::body_too_large), and reading stops at its first byte past the limit.
  std::optional<std::int64_t> max_body_size;
  bool keep_body = false;     // return the body (at most body_limit bytes)
  bool keep_headers = false;  // return the final response's headers
};

}  // namespace epsitter
