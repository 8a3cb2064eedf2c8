// Rewrites a URL so that a probe presents another host name while connecting to the original one.
#pragma once

#include <optional>
#include <string>

namespace epsitter {

struct ServerNameRoute {
  std::string url;         // the URL with its host replaced by the server name
  std::string connect_to;  // for CURLOPT_CONNECT_TO: "name:port:original-host:port"
};

// nullopt when libcurl cannot parse `url` (the probe then fails as it would without the option).
std::optional<ServerNameRoute> route_to_server_name(const std::string& url,
                                                    const std::string& server_name);

}  // namespace epsitter
