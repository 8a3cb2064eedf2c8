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

#include "config/defaults.hpp"
#include "config/oauth2_settings.hpp"
#include "config/shared_value.hpp"
#include "expect/expectations.hpp"

namespace epsitter {

// The identity of a target's time series: these four are the labels on every per-target metric.
struct TargetLabels {
  std::string name;
  std::string namespace_;
  std::string method;  // as the config wrote it ("post", "Get"); "get" when unset, as the original
                       // tool labelled it
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

// The settings few targets set: out of line (see SharedValue), so that a target that sets none of
// them costs a pointer instead of ~600 bytes.
// A file the loader read for a target, and a hash of the bytes it read (file_text.hpp).
struct FileRead {
  std::string path;
  std::size_t content_hash = 0;
  friend bool operator==(const FileRead& a, const FileRead& b) {
    return a.path == b.path && a.content_hash == b.content_hash;
  }
};

struct TargetExtras {
  std::optional<std::string> auth_user;
  std::optional<std::string> auth_pass;     // from auth_pass or the file auth_pass_file names
  std::optional<std::string> bearer_token;  // from bearer_token or bearer_token_file
  std::optional<std::string> ca_file;       // paths as given (relative ones resolved)
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  std::vector<FileRead> secret_files;      // what auth_pass, bearer_token, payload_file and
                                           // client_secret were read from
  std::optional<std::string> server_name;  // SNI, Host and certificate name; connects to url's host
  std::optional<std::string> proxy;
  std::optional<std::string> no_proxy;  // comma-separated hosts
  // A body longer than this fails the probe as body_too_large; at most body_limit.
  std::optional<std::int64_t> max_body_size;
  // TLS versions allowed, as minor numbers of TLS 1.x (0 to 3); min <= max.
  std::optional<int> tls_min_version;
  std::optional<int> tls_max_version;
  bool http2 = true;  // false: HTTP/1.1 only
  Expectations expect;
  HeaderList extra_labels;  // the `labels:` map for sitter_target_info, sorted by name
  // Headers that go only to the URL's origin, as credentials do (dropped on a redirect elsewhere).
  std::vector<std::string> secret_headers;
  std::optional<OAuth2Settings> oauth2;  // a client-credentials token instead of fixed credentials

  auto tie() const {
    return std::tie(auth_user, auth_pass, bearer_token, ca_file, cert_file, key_file, secret_files,
                    server_name, proxy, no_proxy, max_body_size, tls_min_version, tls_max_version,
                    http2, expect, extra_labels, secret_headers, oauth2);
  }
  friend bool operator==(const TargetExtras& a, const TargetExtras& b) {
    return a.tie() == b.tie();
  }
};

struct Target {
  TargetLabels labels;
  std::string url;  // the URL requested: as configured minus userinfo (now auth_user/auth_pass)
  std::string method = "GET";  // the request's method, upper case (labels.method is as written)
  std::optional<std::chrono::milliseconds> timeout;  // unset: REQUEST_TIMEOUT applies
  std::optional<std::string> body;                   // request body, already serialised
  HeaderList headers;                                // in config order, Content-Type included

  std::optional<std::chrono::milliseconds> interval;  // unset: POLL_INTERVAL applies
  bool follow_redirects = true;                       // at most 10 hops
  bool keepalive = false;                             // false: a fresh connection per probe
  int ip_version = 0;                                 // 0 (either), 4 or 6
  bool insecure_skip_verify = false;
  std::int64_t body_limit = defaults::kBodyLimitBytes;
  SharedValue<TargetExtras> extras;  // credentials, TLS files, proxy, expectations, labels
  // Where the target comes from: "file" (`urls:`), or the kind of Kubernetes object discovery
  // made it from ("service", "ingress").
  std::string source = "file";

  // Every field: a reload restarts a target when any of them changed.
  auto tie() const {
    return std::tie(labels, url, method, timeout, body, headers, interval, follow_redirects,
                    keepalive, ip_version, insecure_skip_verify, body_limit, extras, source);
  }
};

inline bool operator==(const Target& a, const Target& b) {
  return a.tie() == b.tie();
}
inline bool operator!=(const Target& a, const Target& b) {
  return !(a == b);
}

// A target once loaded is never changed, only replaced: its one object is shared by the target
// sources, the supervisor and the target's actor.
using SharedTarget = std::shared_ptr<const Target>;

}  // namespace epsitter
