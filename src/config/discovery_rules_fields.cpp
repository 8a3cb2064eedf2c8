// Reads the discovery rules of the `kubernetes:` block: which annotations, hosts and ports are
// allowed, which kinds of Service, and the caps per object.
#include <algorithm>

#include "config/discovery_policy.hpp"
#include "config/input_limits.hpp"
#include "config/kubernetes_fields.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"

namespace epsitter::detail {
namespace {

constexpr std::size_t kMaxListItems = 1'000;
constexpr long long kMaxPort = 65'535;
constexpr long long kMaxTargetsPerObject = 10'000;
// An annotation's value is parsed within kMaxAnnotationExpandedBytes (input_limits.hpp): a larger
// cap than that could admit values the parse then refuses anyway.
constexpr auto kMaxAnnotationBytesCap = static_cast<long long>(kMaxAnnotationExpandedBytes);
constexpr double kMaxMinIntervalSeconds = 86'400;

const YAML::Node& list_of(const Field& field, const std::string& expected) {
  const YAML::Node& value = field.entry.value;
  if (!value.IsSequence() || value.size() > kMaxListItems) {
    field.fail("expected a list of " + expected + " (at most 1000), got " + describe(value));
  }
  return value;
}

std::vector<std::string> read_annotation_list(const Field& field) {
  const std::vector<std::string> known = allowlistable_annotations();
  const Words words(known.begin(), known.end());
  std::vector<std::string> names;
  const YAML::Node& list = list_of(field, "annotation names (expect-status, interval, ...)");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = field.where.at_index(i);
    std::string name = scalar_text(list[i], list[i].Mark(), item, "an annotation name");
    if (name.rfind("epsitter.io/", 0) == 0) name.erase(0, 12);
    std::replace(name.begin(), name.end(), '_', '-');
    if (!contains(words, name)) {
      item.fail(list[i].Mark(), "unknown annotation " + quote(name) + suggestion(name, words));
    }
    names.push_back(name);
  }
  return names;
}

// RFC 1123 host names with '*' standing for any run of characters.
std::vector<std::string> read_host_globs(const Field& field) {
  std::vector<std::string> globs;
  const YAML::Node& list = list_of(field, "host name patterns (*.example.com)");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = field.where.at_index(i);
    const std::string glob =
        to_lower_ascii(scalar_text(list[i], list[i].Mark(), item, "a host name pattern"));
    const bool valid =
        !glob.empty() && glob.size() <= 253 && std::all_of(glob.begin(), glob.end(), [](char c) {
          return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '*';
        });
    if (!valid) {
      item.fail(list[i].Mark(), quote(glob) +
                                    " is not a host name pattern: expected letters, digits, "
                                    "'-', '.' and '*'");
    }
    globs.push_back(glob);
  }
  return globs;
}

std::vector<long long> read_ports(const Field& field) {
  std::vector<long long> ports;
  const YAML::Node& list = list_of(field, "port numbers");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = field.where.at_index(i);
    const std::string text = scalar_text(list[i], list[i].Mark(), item, "a port number");
    const std::optional<long long> port = parse_integer(trim(text));
    if (!port || *port < 1 || *port > kMaxPort) {
      item.fail(list[i].Mark(), quote(text) + " is not a port number (1 to 65535)");
    }
    ports.push_back(*port);
  }
  return ports;
}

long long count_of(const Field& field, long long max, const std::string& what) {
  const std::string text = text_of(field, what);
  const std::optional<long long> count = parse_integer(trim(text));
  if (!count || *count < 1 || *count > max) {
    field.fail(quote(text) + " is out of range: expected " + what + " from 1 to " +
               std::to_string(max));
  }
  return *count;
}

}  // namespace

DiscoveryRules read_discovery_rules(const Entry& entry, const Where& root) {
  const Where where = root.at("kubernetes");
  Fields fields;
  if (entry.value.IsMap()) fields = to_fields(map_entries(entry.value, where, "key"), where);
  DiscoveryRules rules;
  rules.allowed_annotations = default_allowed_annotations();
  if (const Field* field = find_field(fields, "allowed_annotations")) {
    rules.allowed_annotations = read_annotation_list(*field);
  }
  if (const Field* field = find_field(fields, "allowed_hosts")) {
    rules.allowed_hosts = read_host_globs(*field);
  }
  if (const Field* field = find_field(fields, "allowed_ports")) {
    rules.allowed_ports = read_ports(*field);
  }
  if (const Field* field = find_field(fields, "allow_external_name")) {
    rules.allow_external_name = flag_of(*field);
  }
  if (const Field* field = find_field(fields, "allow_selectorless")) {
    rules.allow_selectorless = flag_of(*field);
  }
  if (const Field* field = find_field(fields, "max_targets_per_object")) {
    rules.max_targets_per_object =
        static_cast<std::size_t>(count_of(*field, kMaxTargetsPerObject, "a number of targets"));
  }
  if (const Field* field = find_field(fields, "max_annotation_bytes")) {
    rules.max_annotation_bytes =
        static_cast<std::size_t>(count_of(*field, kMaxAnnotationBytesCap, "a number of bytes"));
  }
  if (const Field* field = find_field(fields, "min_interval")) {
    rules.min_interval = seconds_to_millis(seconds_of(*field, kMaxMinIntervalSeconds));
  }
  return rules;
}

}  // namespace epsitter::detail
