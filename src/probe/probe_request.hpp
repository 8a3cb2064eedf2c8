// What the HTTP engine needs to send one probe; knows nothing of config files or actors.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace epsitter {

struct ProbeRequest {
  std::string url;
  std::string method = "GET";  // upper case
  std::chrono::milliseconds timeout{15'000};
  std::optional<std::string> auth_user;  // HTTP basic auth when set
  std::optional<std::string> auth_pass;
  std::optional<std::string> body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string default_user_agent;  // sent unless `headers` has a User-Agent
};

}  // namespace epsitter
