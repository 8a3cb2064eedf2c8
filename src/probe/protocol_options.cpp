// The libcurl options that choose what a probe negotiates: TLS versions, HTTP/2, content coding.
#include "probe/protocol_options.hpp"

namespace epsitter {

long ssl_version_option(std::optional<int> min_minor, std::optional<int> max_minor) {
  long option = CURL_SSLVERSION_DEFAULT;
  if (min_minor) option = CURL_SSLVERSION_TLSv1_0 + *min_minor;
  if (max_minor) option |= CURL_SSLVERSION_MAX_TLSv1_0 + (static_cast<long>(*max_minor) << 16);
  return option;
}

long http_version_option(bool http2) {
  // CURL_HTTP_VERSION_2TLS is libcurl's default since 7.62: h2 over TLS when the server agrees
  // (ALPN), HTTP/1.1 in clear.
  return http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1;
}

bool curl_decodes(std::string_view coding) {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (coding == "identity") return true;
  if (coding == "gzip" || coding == "deflate") return (info->features & CURL_VERSION_LIBZ) != 0;
  if (coding == "br") return (info->features & CURL_VERSION_BROTLI) != 0;
  return false;
}

bool configure_protocol(CURL* easy, const ProbeRequest& request) {
  bool ok = true;
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  if (request.tls_min_version || request.tls_max_version) {
    set(curl_easy_setopt(easy, CURLOPT_SSLVERSION,
                         ssl_version_option(request.tls_min_version, request.tls_max_version)));
  }
  set(curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, http_version_option(request.http2)));
  // libcurl sends exactly this as Accept-Encoding and decodes what comes back before our write
  // callback sees it, so body_limit bounds the decoded bytes (a gzip bomb stops there).
  if (request.accept_encoding) {
    set(curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, request.accept_encoding->c_str()));
  }
  return ok;
}

}  // namespace epsitter
