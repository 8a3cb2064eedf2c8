// Rewrites a URL so that a probe presents another host name while connecting to the original one.
#include "probe/server_name.hpp"

#include <curl/curl.h>

#include <memory>

#include "probe/curl_handles.hpp"

namespace epsitter {

std::optional<ServerNameRoute> route_to_server_name(const std::string& url,
                                                    const std::string& server_name) {
  const CurlUrl parsed{curl_url()};
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  // An IPv6 host comes back in brackets, which is also how CONNECT_TO wants it.
  const std::optional<std::string> host = url_part(parsed.get(), CURLUPART_HOST);
  const std::optional<std::string> port =
      url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!host || !port) return std::nullopt;
  if (curl_url_set(parsed.get(), CURLUPART_HOST, server_name.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const std::optional<std::string> rewritten = url_part(parsed.get(), CURLUPART_URL);
  if (!rewritten) return std::nullopt;
  return ServerNameRoute{*rewritten, server_name + ":" + *port + ":" + *host + ":" + *port};
}

}  // namespace epsitter
