// One validated endpoint to probe, as the config loader hands it to the rest of epsitter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace epsitter {

// The identity of a target's time series: these four are the labels on every per-target metric.
struct TargetLabels {
  std::string name;
  std::string namespace_;
  std::string method;  // upper case: GET, POST, ...
  std::string url;     // as configured, with any userinfo removed

  friend bool operator==(const TargetLabels& a, const TargetLabels& b) {
    return a.name == b.name && a.namespace_ == b.namespace_ && a.method == b.method &&
           a.url == b.url;
  }
  friend bool operator<(const TargetLabels& a, const TargetLabels& b) {
    return std::tie(a.name, a.namespace_, a.method, a.url) <
           std::tie(b.name, b.namespace_, b.method, b.url);
  }
};

struct Target {
  TargetLabels labels;
  std::string url;  // the URL requested, userinfo included (curl turns it into basic auth)
  std::optional<std::chrono::milliseconds> timeout;  // unset: REQUEST_TIMEOUT applies
  std::optional<std::string> auth_user;
  std::optional<std::string> auth_pass;
  std::optional<std::string> body;  // request body, already serialised
  std::vector<std::pair<std::string, std::string>>
      headers;  // in config order, Content-Type included

  friend bool operator==(const Target& a, const Target& b) {
    return a.labels == b.labels && a.url == b.url && a.timeout == b.timeout &&
           a.auth_user == b.auth_user && a.auth_pass == b.auth_pass && a.body == b.body &&
           a.headers == b.headers;
  }
  friend bool operator!=(const Target& a, const Target& b) { return !(a == b); }
};

}  // namespace epsitter
