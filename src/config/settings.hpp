// Process-wide settings read from the environment (LOG_LEVEL, POLL_INTERVAL, ...), validated.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/defaults.hpp"

namespace epsitter {

enum class LogLevel { debug, info, warning, error, critical };

// Which share of the targets this replica probes: the one rendezvous hashing gives `index` of
// `count` (see sharding/rendezvous.hpp). One replica: index 0 of 1, every target.
struct Shard {
  int index = 0;
  int count = 1;
};

// SHARD_MODE=lease: the replicas share the targets among the live members of a group of
// Kubernetes Leases (see membership/lease_membership.hpp) instead of a static SHARD_COUNT.
struct LeaseSharding {
  bool enabled = false;
  std::string group = "epsitter";  // SHARD_GROUP: the value of the Leases' group label
  int lease_seconds = 15;          // SHARD_LEASE_SECONDS: leaseDurationSeconds; renewed every 1/3
  std::string identity;            // HOSTNAME (the pod's name), else the host name
  std::string namespace_;          // POD_NAMESPACE; empty: decided with the config (see main)
};

struct Settings {
  LogLevel log_level = LogLevel::info;
  std::chrono::milliseconds poll_interval = defaults::kPollInterval;
  int server_port =
      defaults::kServerPort;            // 0 picks a free port (for tests); the chosen one is logged
  int pool_size = defaults::kPoolSize;  // CAF scheduler worker threads
  std::chrono::milliseconds request_timeout = defaults::kRequestTimeout;
  std::string metric_prefix{defaults::kMetricPrefix};
  // Probes open at once (each holds a socket); more wait their turn. The default does not bind
  // below 10,000 targets even with a tenth of them hanging.
  int max_in_flight = 10'000;
  Shard shard;  // SHARD_COUNT, SHARD_INDEX (default: the -N at the end of the host name)
  LeaseSharding lease_sharding;  // SHARD_MODE=lease, SHARD_GROUP, SHARD_LEASE_SECONDS
  // WEB_ALLOWED_HOSTS: Host names our port answers besides the built-in ones (see
  // web/host_policy.hpp), as lower-case globs where `*` matches any run of characters.
  std::vector<std::string> web_allowed_hosts;
  // WEB_RESPONSE_TIMEOUT: how long a response may take to send, plus 1 s per MiB of body (see
  // web/response_deadline.hpp). 30 s is above any usual Prometheus scrape_timeout.
  std::chrono::milliseconds web_response_timeout = defaults::kWebResponseTimeout;
};

// A malformed environment variable: names the variable and the bad value.
class SettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Looks a variable up; returns nullptr when it is unset. Injected so that tests need no real
// environment.
using EnvLookup = std::function<const char*(const char*)>;

// Reads every setting through `lookup`; unset or empty variables keep their defaults.
// `host_name` supplies the shard index when SHARD_COUNT > 1 and SHARD_INDEX is unset: a
// StatefulSet's pods are named NAME-0, NAME-1, ... Throws SettingsError on the first malformed
// value.
Settings settings_from_env(const EnvLookup& lookup, const std::string& host_name = {});

// Parses a LOG_LEVEL value (case-insensitive; WARN is WARNING). Throws SettingsError.
LogLevel parse_log_level(const std::string& text);

// Parses a number of seconds (may be fractional) into milliseconds; must be > 0 and <= max_seconds.
// `what` names the source of the value in the error message. Throws SettingsError.
std::chrono::milliseconds parse_seconds(const std::string& text, const std::string& what,
                                        double max_seconds);

// True for a valid Prometheus metric name prefix: [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_prefix(const std::string& prefix);

}  // namespace epsitter
