// One validated endpoint to probe, as the config loader hands it to the rest of epsitter.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "expect/expectations.hpp"

namespace epsitter {

// The identity of a target's time series: these four are the labels on every per-target metric.
struct TargetLabels {
  std::string name;
  std::string namespace_;
  std::string method;  // upper case: GET, POST, ...
  std::string url;     // as configured (after ${ENV} expansion), with any userinfo removed

  friend bool operator==(const TargetLabels& a, const TargetLabels& b) {
    return a.name == b.name && a.namespace_ == b.namespace_ && a.method == b.method &&
           a.url == b.url;
  }
  friend bool operator<(const TargetLabels& a, const TargetLabels& b) {
    return std::tie(a.name, a.namespace_, a.method, a.url) <
           std::tie(b.name, b.namespace_, b.method, b.url);
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::int64_t kDefaultBodyLimitBytes = 1 << 20;

struct Target {
  TargetLabels labels;
  std::string url;  // the URL requested, userinfo included (curl turns it into basic auth)
  std::optional<std::chrono::milliseconds> timeout;  // unset: REQUEST_TIMEOUT applies
  std::optional<std::string> auth_user;
  std::optional<std::string> auth_pass;  // from auth_pass or the file auth_pass_file names
  std::optional<std::string> body;       // request body, already serialised
  HeaderList headers;                    // in config order, Content-Type included

  std::optional<std::chrono::milliseconds> interval;  // unset: POLL_INTERVAL applies
  bool follow_redirects = true;                       // at most 10 hops
  bool keepalive = false;                             // false: a fresh connection per probe
  int ip_version = 0;                                 // 0 (either), 4 or 6
  std::optional<std::string> bearer_token;            // from bearer_token or bearer_token_file
  std::optional<std::string> ca_file;                 // paths as given (relative ones resolved)
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  bool insecure_skip_verify = false;
  std::optional<std::string> server_name;  // SNI, Host and certificate name; connects to url's host
  std::optional<std::string> proxy;
  std::optional<std::string> no_proxy;  // comma-separated hosts
  std::int64_t body_limit = kDefaultBodyLimitBytes;
  Expectations expect;
  HeaderList extra_labels;  // the `labels:` map for sitter_target_info, sorted by name
  // Where the target comes from: "file" (`urls:`), or the kind of Kubernetes object discovery
  // made it from ("service", "ingress").
  std::string source = "file";

  // Every field: a reload restarts a target when any of them changed.
  auto tie() const {
    return std::tie(labels, url, timeout, auth_user, auth_pass, body, headers, interval,
                    follow_redirects, keepalive, ip_version, bearer_token, ca_file, cert_file,
                    key_file, insecure_skip_verify, server_name, proxy, no_proxy, body_limit,
                    expect, extra_labels, source);
  }
};

inline bool operator==(const Target& a, const Target& b) {
  return a.tie() == b.tie();
}
inline bool operator!=(const Target& a, const Target& b) {
  return !(a == b);
}

// A target once loaded is never changed, only replaced: its one object is shared by the target
// sources, the supervisor and the target's actor (10,000 targets take ~9 MB per copy).
using SharedTarget = std::shared_ptr<const Target>;

}  // namespace epsitter
