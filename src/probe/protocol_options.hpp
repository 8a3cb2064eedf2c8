// The libcurl options that choose what a probe negotiates: TLS versions, HTTP/2, content coding.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string_view>

#include "probe/probe_request.hpp"

namespace epsitter {

// CURLOPT_SSLVERSION's value for TLS 1.`min_minor` to 1.`max_minor` (either unset: libcurl's own
// bound on that side).
long ssl_version_option(std::optional<int> min_minor, std::optional<int> max_minor);

// CURLOPT_HTTP_VERSION's value: libcurl's default offers h2 over TLS (ALPN); without http2 only
// HTTP/1.1 is offered.
long http_version_option(bool http2);

// Whether this libcurl decodes the content coding `coding` ("gzip", "br", "deflate", "identity").
bool curl_decodes(std::string_view coding);

// Sets the options above of `request`. Returns false when libcurl refuses one.
bool configure_protocol(CURL* easy, const ProbeRequest& request);

}  // namespace epsitter
