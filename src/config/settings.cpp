// Reads the process-wide settings from environment variables and rejects malformed values by name.
#include "config/settings.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "config/named_values.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "text/ascii.hpp"

namespace epsitter {
namespace {

constexpr double kMaxPollIntervalSeconds = 86'400;  // a day: anything longer is surely a typo
constexpr double kMaxRequestTimeoutSeconds = 3'600;
constexpr int kMaxPort = 65'535;
constexpr int kMaxPoolSize = 256;  // each worker is a thread: a bound that catches typos
constexpr int kMaxShardCount = 1'000;
constexpr int kMaxInFlight = 1'000'000;
constexpr double kMaxResponseTimeoutSeconds = 3'600;
constexpr int kMaxLeaseSeconds = 3'600;

// WARN is accepted because Python's logging module, which the seed tool used, accepts it too.
constexpr std::array<detail::NamedValue<LogLevel>, 6> kLogLevelNames{{
    {"DEBUG", LogLevel::debug},
    {"INFO", LogLevel::info},
    {"WARNING", LogLevel::warning},
    {"WARN", LogLevel::warning},
    {"ERROR", LogLevel::error},
    {"CRITICAL", LogLevel::critical},
}};

[[noreturn]] void reject(std::string_view variable, std::string_view value,
                         const std::string& expected) {
  throw SettingsError(std::string{variable} + "=" + detail::quote(value) + ": expected " +
                      expected);
}

// Deployments often "unset" a variable by leaving it empty, so empty counts as unset.
std::optional<std::string> read_variable(const EnvLookup& lookup, const char* name) {
  const char* raw = lookup(name);
  if (raw == nullptr) return std::nullopt;
  const std::string_view value = detail::trim(raw);
  if (value.empty()) return std::nullopt;
  return std::string{value};
}

int parse_int_setting(std::string_view variable, const std::string& text, int min, int max) {
  const std::optional<long long> value = detail::parse_integer(text);
  if (!value || *value < min || *value > max) {
    reject(variable, text, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(*value);
}

std::string parse_metric_prefix(const std::string& text) {
  if (!is_valid_metric_prefix(text)) {
    reject("METRIC_PREFIX", text,
           "a Prometheus metric name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  return text;
}

bool is_ascii_letter(char c) {
  return text::is_ascii_alpha(c);
}

// The N of a host name ending in -N (a StatefulSet pod: epsitter-2), or nullopt.
std::optional<int> ordinal_of(const std::string& host_name) {
  const std::size_t dash = host_name.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  const std::optional<long long> ordinal = detail::parse_integer(host_name.substr(dash + 1));
  if (!ordinal || *ordinal > kMaxShardCount) return std::nullopt;
  return static_cast<int>(*ordinal);
}

Shard read_shard(const EnvLookup& lookup, const std::string& host_name) {
  Shard shard;
  if (const auto value = read_variable(lookup, "SHARD_COUNT")) {
    shard.count = parse_int_setting("SHARD_COUNT", *value, 1, kMaxShardCount);
  }
  const std::string range = "an integer from 0 to " + std::to_string(shard.count - 1) +
                            " (below SHARD_COUNT=" + std::to_string(shard.count) + ")";
  if (const auto value = read_variable(lookup, "SHARD_INDEX")) {
    const std::optional<long long> index = detail::parse_integer(*value);
    if (!index || *index >= shard.count) reject("SHARD_INDEX", *value, range);
    shard.index = static_cast<int>(*index);
    return shard;
  }
  // One replica needs no index: a Deployment pod's name may well end in digits.
  if (shard.count == 1) return shard;
  const std::optional<int> ordinal = ordinal_of(host_name);
  if (!ordinal) {
    throw SettingsError("SHARD_INDEX is not set and the host name " + detail::quote(host_name) +
                        " does not end in -N (as a StatefulSet's pods do): set SHARD_INDEX to " +
                        range);
  }
  if (*ordinal >= shard.count) {
    throw SettingsError("the host name " + detail::quote(host_name) + " gives SHARD_INDEX " +
                        std::to_string(*ordinal) +
                        ", which is not below SHARD_COUNT=" + std::to_string(shard.count) +
                        ": raise SHARD_COUNT to the StatefulSet's replicas");
  }
  shard.index = *ordinal;
  return shard;
}

// Comma-separated globs of host names: letters, digits, '-', '.', '_' and the wildcard '*'. A port
// is never part of it (the Host header's port is dropped before matching).
std::vector<std::string> parse_allowed_hosts(const std::string& text) {
  std::vector<std::string> globs;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = detail::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) continue;
    const bool plain = std::all_of(item.begin(), item.end(), [](char c) {
      return is_ascii_letter(c) || detail::is_ascii_digit(c) || c == '-' || c == '.' || c == '_' ||
             c == '*';
    });
    if (!plain) {
      reject("WEB_ALLOWED_HOSTS", item,
             "comma-separated host names or globs such as *.example.com (letters, digits, '-', "
             "'.', '_' and '*'; no port, scheme or path)");
    }
    globs.push_back(detail::to_lower_ascii(item));
  }
  return globs;
}

// A Kubernetes label value (the group) or object name (the identity, the namespace): letters,
// digits, '-', '_' or '.', starting and ending with a letter or digit; at most `max` characters.
bool is_kube_name(const std::string& text, std::size_t max) {
  const auto plain = [](char c) { return text::is_ascii_alpha(c) || (c >= '0' && c <= '9'); };
  if (text.empty() || text.size() > max || !plain(text.front()) || !plain(text.back())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [&plain](char c) { return plain(c) || c == '-' || c == '_' || c == '.'; });
}

LeaseSharding read_lease_sharding(const EnvLookup& lookup, const std::string& host_name) {
  LeaseSharding lease;
  if (const auto value = read_variable(lookup, "SHARD_MODE")) {
    if (*value == "lease") {
      lease.enabled = true;
    } else if (*value != "static") {
      reject("SHARD_MODE", *value, "static (SHARD_COUNT, SHARD_INDEX) or lease");
    }
  }
  if (!lease.enabled) return lease;
  for (const char* name : {"SHARD_COUNT", "SHARD_INDEX"}) {
    if (read_variable(lookup, name)) {
      throw SettingsError(std::string{name} +
                          " is for SHARD_MODE=static; with SHARD_MODE=lease the live members of "
                          "the Lease group share the targets: unset it");
    }
  }
  if (const auto value = read_variable(lookup, "SHARD_GROUP")) {
    if (!is_kube_name(*value, 63)) {
      reject("SHARD_GROUP", *value,
             "a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending "
             "with a letter or digit");
    }
    lease.group = *value;
  }
  if (const auto value = read_variable(lookup, "SHARD_LEASE_SECONDS")) {
    lease.lease_seconds = parse_int_setting("SHARD_LEASE_SECONDS", *value, 1, kMaxLeaseSeconds);
  }
  const auto pod = read_variable(lookup, "HOSTNAME");
  lease.identity = pod ? *pod : host_name;
  if (!is_kube_name(lease.identity, 253)) {
    reject("HOSTNAME", lease.identity, "the pod's name, which names its Lease (SHARD_MODE=lease)");
  }
  if (const auto value = read_variable(lookup, "POD_NAMESPACE")) {
    if (!is_kube_name(*value, 63)) reject("POD_NAMESPACE", *value, "a namespace name");
    lease.namespace_ = *value;
  }
  return lease;
}

}  // namespace

LogLevel parse_log_level(const std::string& text) {
  const std::string_view trimmed = detail::trim(text);
  const std::string wanted = text::to_upper_ascii(trimmed);
  if (const auto level = detail::value_named(kLogLevelNames, wanted)) return *level;
  reject("LOG_LEVEL", trimmed, "one of DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL (any case)");
}

std::chrono::milliseconds parse_seconds(const std::string& text, const std::string& what,
                                        double max_seconds) {
  const std::string_view trimmed = detail::trim(text);
  const std::optional<double> seconds = detail::parse_decimal(trimmed);
  if (!seconds || !(*seconds > 0) || *seconds > max_seconds) {
    reject(
        what, trimmed,
        "a number of seconds greater than 0 (at most " + detail::format_limit(max_seconds) + ")");
  }
  return detail::seconds_to_millis(*seconds);
}

bool is_valid_metric_prefix(const std::string& prefix) {
  const auto starts_name = [](char c) { return is_ascii_letter(c) || c == '_' || c == ':'; };
  const auto continues_name = [&](char c) { return starts_name(c) || detail::is_ascii_digit(c); };
  return !prefix.empty() && starts_name(prefix.front()) &&
         std::all_of(prefix.begin() + 1, prefix.end(), continues_name);
}

Settings settings_from_env(const EnvLookup& lookup, const std::string& host_name) {
  Settings settings;
  if (!lookup) return settings;
  if (const auto value = read_variable(lookup, "LOG_LEVEL")) {
    settings.log_level = parse_log_level(*value);
  }
  if (const auto value = read_variable(lookup, "POLL_INTERVAL")) {
    settings.poll_interval = parse_seconds(*value, "POLL_INTERVAL", kMaxPollIntervalSeconds);
  }
  if (const auto value = read_variable(lookup, "SERVER_PORT")) {
    settings.server_port = parse_int_setting("SERVER_PORT", *value, 0, kMaxPort);
  }
  if (const auto value = read_variable(lookup, "POOL_SIZE")) {
    settings.pool_size = parse_int_setting("POOL_SIZE", *value, 1, kMaxPoolSize);
  }
  if (const auto value = read_variable(lookup, "REQUEST_TIMEOUT")) {
    settings.request_timeout = parse_seconds(*value, "REQUEST_TIMEOUT", kMaxRequestTimeoutSeconds);
  }
  if (const auto value = read_variable(lookup, "METRIC_PREFIX")) {
    settings.metric_prefix = parse_metric_prefix(*value);
  }
  if (const auto value = read_variable(lookup, "MAX_IN_FLIGHT")) {
    settings.max_in_flight = parse_int_setting("MAX_IN_FLIGHT", *value, 1, kMaxInFlight);
  }
  if (const auto value = read_variable(lookup, "WEB_ALLOWED_HOSTS")) {
    settings.web_allowed_hosts = parse_allowed_hosts(*value);
  }
  if (const auto value = read_variable(lookup, "WEB_RESPONSE_TIMEOUT")) {
    settings.web_response_timeout =
        parse_seconds(*value, "WEB_RESPONSE_TIMEOUT", kMaxResponseTimeoutSeconds);
  }
  settings.lease_sharding = read_lease_sharding(lookup, host_name);
  if (!settings.lease_sharding.enabled) settings.shard = read_shard(lookup, host_name);
  return settings;
}

}  // namespace epsitter
