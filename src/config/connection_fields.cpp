// Reads how a target is reached: its own interval, redirects, connection reuse, IP version, TLS
// (CA, client certificate, verification, server name), proxy, how much of the body to read and
// how long a body may be.
#include <algorithm>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/url_check.hpp"
#include "text/ascii.hpp"

namespace epsitter::detail {
namespace {

constexpr double kMaxIntervalSeconds = 86'400;  // as POLL_INTERVAL
constexpr std::int64_t kMaxBodyLimitBytes = std::int64_t{1} << 30;
constexpr std::size_t kMaxHostNameLength = 253;

void read_flag(const Fields& fields, std::string_view name, bool& out) {
  if (const Field* field = find_field(fields, name)) out = flag_of(*field);
}

int read_ip_version(const Field& field) {
  const std::string text = text_of(field, "any, 4 or 6");
  if (text == "any") return 0;
  if (text == "4") return 4;
  if (text == "6") return 6;
  field.fail(quote(text) + " is not an IP version: expected any, 4 or 6");
}

bool is_host_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxHostNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return text::is_ascii_alnum(c) || c == '.' || c == '-' || c == '_';
         });
}

std::string read_server_name(const Field& field) {
  const std::string name = text_of(field, "a host name");
  if (!is_host_name(name)) {
    field.fail(quote(name) + " is not a host name: expected letters, digits, '.', '-' and '_'");
  }
  return name;
}

std::string read_proxy(const Field& field) {
  const std::string proxy = text_of(field, "a proxy URL (http://host:port/)");
  const std::vector<std::string> schemes{"http", "https", "socks4", "socks4a", "socks5", "socks5h"};
  if (const std::optional<std::string> problem = url_problem(proxy, schemes)) {
    field.fail(quote(redacted(proxy)) + " " + *problem);
  }
  return proxy;
}

// A comma-separated text, or a list of hosts: libcurl takes the joined text.
std::string read_no_proxy(const Field& field) {
  const YAML::Node& value = field.entry.value;
  if (!value.IsSequence()) return text_of(field, "a host list (text or a list)");
  std::string joined;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Where item = field.where.at_index(i);
    const std::string host = scalar_text(value[i], value[i].Mark(), item, "a host name");
    if (host.empty() || host.find_first_of(", \t") != std::string::npos) {
      item.fail(value[i].Mark(), quote(host) + " is not a single host, domain or address");
    }
    joined += (joined.empty() ? "" : ",") + host;
  }
  return joined;
}

std::int64_t read_body_limit(const Field& field) {
  const std::string text = text_of(field, "a number of bytes");
  const std::optional<long long> bytes = parse_integer(trim(text));
  if (!bytes) field.fail(quote(text) + " is not a whole number of bytes");
  if (*bytes > kMaxBodyLimitBytes) {
    field.fail(quote(text) + " is out of range: expected at most 1073741824 bytes (1 GiB)");
  }
  return *bytes;
}

// At most the target's body_limit (when the whole target is known), so that body_limit stays the
// one bound on what a probe reads, and the cap on an annotation's body_limit holds for this too.
std::int64_t read_max_body_size(const Field& field, bool complete, std::int64_t body_limit) {
  const std::string text = text_of(field, "a number of bytes");
  const std::optional<long long> bytes = parse_integer(trim(text));
  if (!bytes) field.fail(quote(text) + " is not a whole number of bytes");
  if (*bytes < 1) field.fail(quote(text) + " is out of range: expected at least 1 byte");
  if (*bytes > kMaxBodyLimitBytes) {
    field.fail(quote(text) + " is out of range: expected at most 1073741824 bytes (1 GiB)");
  }
  if (complete && *bytes > body_limit) {
    field.fail(quote(text) + " is more than body_limit (" + std::to_string(body_limit) +
               " bytes): raise body_limit too, or lower max_body_size");
  }
  return *bytes;
}

// "1.0" to "1.3" (or blackbox_exporter's "TLS12"), as the minor number of TLS 1.x.
int read_tls_version(const Field& field) {
  const std::string text = text_of(field, "a TLS version (1.0, 1.1, 1.2 or 1.3)");
  std::string version = to_upper_ascii(trim(text));
  if (version.rfind("TLS", 0) == 0) version.erase(0, version.rfind("TLSV", 0) == 0 ? 4 : 3);
  if (version.size() == 2 && version[0] == '1') version.insert(1, ".");  // TLS12
  if (version.size() == 3 && version.compare(0, 2, "1.") == 0 && version[2] >= '0' &&
      version[2] <= '3') {
    return version[2] - '0';
  }
  field.fail(quote(text) + " is not a TLS version: expected 1.0, 1.1, 1.2 or 1.3");
}

void read_tls_versions(const Fields& fields, Target& target) {
  const Field* min = find_field(fields, "tls_min_version");
  const Field* max = find_field(fields, "tls_max_version");
  if (min != nullptr) target.extras.write().tls_min_version = read_tls_version(*min);
  if (max != nullptr) target.extras.write().tls_max_version = read_tls_version(*max);
  if (min != nullptr && max != nullptr &&
      *target.extras->tls_min_version > *target.extras->tls_max_version) {
    min->fail("tls_min_version (1." + std::to_string(*target.extras->tls_min_version) +
              ") is above tls_max_version (1." + std::to_string(*target.extras->tls_max_version) +
              ")");
  }
}

}  // namespace

void read_connection_fields(const Fields& fields, bool complete, Target& target) {
  if (const Field* field = find_field(fields, "interval")) {
    target.interval = seconds_to_millis(seconds_of(*field, kMaxIntervalSeconds));
  }
  read_flag(fields, "follow_redirects", target.follow_redirects);
  read_flag(fields, "keepalive", target.keepalive);
  if (const Field* field = find_field(fields, "ip_version")) {
    target.ip_version = read_ip_version(*field);
  }
  if (const Field* field = find_field(fields, "ca_file")) {
    target.extras.write().ca_file = path_of(*field);
  }
  if (const Field* field = find_field(fields, "cert_file")) {
    target.extras.write().cert_file = path_of(*field);
  }
  if (const Field* field = find_field(fields, "key_file")) {
    target.extras.write().key_file = path_of(*field);
    if (!find_field(fields, "cert_file")) {
      field->where.fail(field->entry.key.Mark(),
                        "key_file is set but cert_file is not (the client certificate)");
    }
  }
  read_flag(fields, "insecure_skip_verify", target.insecure_skip_verify);
  if (const Field* field = find_field(fields, "server_name")) {
    target.extras.write().server_name = read_server_name(*field);
  }
  if (const Field* field = find_field(fields, "proxy")) {
    target.extras.write().proxy = read_proxy(*field);
  }
  if (const Field* field = find_field(fields, "no_proxy")) {
    target.extras.write().no_proxy = read_no_proxy(*field);
  }
  read_tls_versions(fields, target);
  if (const Field* field = find_field(fields, "http2")) {
    target.extras.write().http2 = flag_of(*field);
  }
  if (const Field* field = find_field(fields, "body_limit")) {
    target.body_limit = read_body_limit(*field);
  }
  if (const Field* field = find_field(fields, "max_body_size")) {
    target.extras.write().max_body_size = read_max_body_size(*field, complete, target.body_limit);
  }
}

}  // namespace epsitter::detail
