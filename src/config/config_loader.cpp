// Turns the YAML config (the seed's `urls:` format) into validated Targets or file:line:col errors.
#include "config/config_loader.hpp"

#include <malloc.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/number_parsing.hpp"

namespace epsitter {
namespace {

// Ordered: Python's json.dumps kept payload keys in config order, and a receiver may care.
using Json = nlohmann::ordered_json;

constexpr double kMaxTimeoutSeconds = 3'600;
// Bounds the walk over payloads and merge keys: yaml-cpp lets an alias refer to its own ancestor
// (`&a [*a]`), and aliases can multiply a small file into a huge tree.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxPayloadValues = 100'000;
// PyYAML's implicit typing only ever matches short scalars; longer ones need not be matched.
constexpr std::size_t kMaxTypedScalarLength = 128;

constexpr std::array<std::string_view, 1> kTopLevelKeys{"urls"};
constexpr std::array<std::string_view, 8> kTargetFields{
    "namespace", "url", "timeout", "auth_user", "auth_pass", "method", "payload", "headers"};
constexpr std::array<std::string_view, 7> kMethods{"GET",    "POST", "PUT",    "PATCH",
                                                   "DELETE", "HEAD", "OPTIONS"};

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// ---------------------------------------------------------------------------------------------
// Small text helpers

char to_lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower_ascii(std::string_view text) {
  std::string lower{text};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return to_lower_ascii(c); });
  return lower;
}

std::string to_upper_ascii(std::string_view text) {
  std::string upper{text};
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  return upper;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && to_lower_ascii(a) == to_lower_ascii(b);
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& words) {
  std::string joined;
  for (const std::string_view word : words) {
    if (!joined.empty()) joined += ", ";
    joined += word;
  }
  return joined;
}

// Optimal string alignment distance, ignoring case: a swapped pair of letters ("tiemout") costs 1,
// as it is one slip of the fingers.
std::size_t edit_distance(std::string_view a_text, std::string_view b_text) {
  const std::string a = to_lower_ascii(a_text);
  const std::string b = to_lower_ascii(b_text);
  std::vector<std::size_t> before_previous(b.size() + 1);
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    before_previous.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

// " (did you mean "timeout"?)" when one known word is close enough to be the intended one;
// otherwise the list of known words, since a far-fetched guess misleads more than it helps.
template <std::size_t N>
std::string suggestion(std::string_view unknown, const std::array<std::string_view, N>& known) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string_view word : known) {
    const std::size_t distance = edit_distance(unknown, word);
    if (distance < best_distance) {
      best = word;
      best_distance = distance;
    }
  }
  const std::size_t tolerance = std::max<std::size_t>(2, std::max(unknown.size(), best.size()) / 3);
  if (best_distance <= tolerance && best_distance < unknown.size()) {
    return " (did you mean " + detail::quote(best) + "?)";
  }
  return "; expected one of " + join(known);
}

// ---------------------------------------------------------------------------------------------
// Error positions

// The file and the dotted path of the node at hand: what every error message names.
struct Where {
  const std::string& file;
  std::string field;

  Where at(const std::string& child) const {
    return {file, field.empty() ? child : field + "." + child};
  }
  Where at_index(std::size_t index) const {
    return {file, field + "[" + std::to_string(index) + "]"};
  }

  // yaml-cpp counts lines and columns from 0 and marks "no position" with -1; ConfigError counts
  // from 1 and uses 0 for "unknown".
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    const bool known = mark.line >= 0 && mark.column >= 0;
    throw ConfigError(file, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, field, message);
  }
};

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing (null)";
}

// ---------------------------------------------------------------------------------------------
// Maps: duplicate keys and PyYAML's `<<` merge keys

// One key/value pair of a YAML map.
struct Entry {
  YAML::Node key;
  YAML::Node value;

  const std::string& name() const { return key.Scalar(); }
  // An empty value has no position of its own (yaml-cpp marks the next token): point at its key.
  YAML::Mark value_mark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
};

// PyYAML treats a plain (unquoted) `<<` key as a merge; seed files may use it to share settings.
bool is_merge_key(const YAML::Node& key) {
  return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

// Adds or replaces by key, keeping the first position: how PyYAML builds a dict from merges.
void put(std::vector<Entry>& entries, const Entry& entry) {
  const auto same_key = [&](const Entry& other) { return other.name() == entry.name(); };
  const auto found = std::find_if(entries.begin(), entries.end(), same_key);
  if (found == entries.end()) {
    entries.push_back(entry);
  } else {
    *found = entry;
  }
}

void check_key(const YAML::Node& key, const Where& where, std::string_view noun) {
  if (key.IsScalar()) return;
  where.fail(key.Mark(), "a " + std::string{noun} + " must be a plain value, not " + describe(key));
}

// yaml-cpp 0.7 keeps both entries of a repeated key when iterating (and [] returns the first), so a
// repeated key would silently hide a target or a field: reject it.
void check_not_repeated(const std::vector<Entry>& earlier, const YAML::Node& key,
                        const Where& where, std::string_view noun) {
  for (const Entry& entry : earlier) {
    if (entry.name() != key.Scalar()) continue;
    where.at(key.Scalar())
        .fail(key.Mark(), "duplicate " + std::string{noun} + " " + detail::quote(key.Scalar()) +
                              ": first at line " + std::to_string(entry.key.Mark().line + 1) +
                              ", again at line " + std::to_string(key.Mark().line + 1));
  }
}

std::vector<Entry> map_entries(const YAML::Node& map, const Where& where, std::string_view noun,
                               int depth = 0);

// PyYAML's merge order: the map's own keys beat merged ones, and in `<<: [*a, *b]` a beats b.
void merge_into(std::vector<Entry>& merged, const YAML::Node& source, const Where& where,
                std::string_view noun, int depth) {
  if (source.IsMap()) {
    for (const Entry& entry : map_entries(source, where, noun, depth + 1)) put(merged, entry);
    return;
  }
  if (!source.IsSequence()) {
    where.fail(source.Mark(),
               "a merge key (<<) takes a map or a list of maps, not " + describe(source));
  }
  std::vector<YAML::Node> sources(source.begin(), source.end());
  for (auto it = sources.rbegin(); it != sources.rend(); ++it) {
    if (!it->IsMap()) {
      where.fail(it->Mark(), "a merge key (<<) takes maps only, not " + describe(*it));
    }
    for (const Entry& entry : map_entries(*it, where, noun, depth + 1)) put(merged, entry);
  }
}

// The entries of `map` in file order, after applying merge keys; a repeated key is an error.
std::vector<Entry> map_entries(const YAML::Node& map, const Where& where, std::string_view noun,
                               int depth) {
  if (depth > kMaxDepth) {
    where.fail(map.Mark(), "merge keys (<<) nest too deeply or refer to themselves");
  }
  std::vector<Entry> merged;
  std::vector<Entry> own;
  for (const auto& pair : map) {
    if (is_merge_key(pair.first)) {
      merge_into(merged, pair.second, where, noun, depth);
      continue;
    }
    check_key(pair.first, where, noun);
    check_not_repeated(own, pair.first, where, noun);
    own.push_back({pair.first, pair.second});
  }
  for (const Entry& entry : own) put(merged, entry);
  return merged;
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view name) {
  const auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const Entry& entry) { return entry.name() == name; });
  return found == entries.end() ? nullptr : &*found;
}

// The text of a value that must be a single value. The message never quotes the value: this is also
// how auth_pass and header values are read.
std::string scalar_text(const Entry& entry, const Where& where, const std::string& expected) {
  if (!entry.value.IsScalar()) {
    where.at(entry.name())
        .fail(entry.value_mark(), "expected " + expected + ", got " + describe(entry.value));
  }
  return entry.value.Scalar();
}

std::optional<std::string> optional_text(const std::vector<Entry>& fields, std::string_view name,
                                         const Where& where, const std::string& expected) {
  const Entry* entry = find_entry(fields, name);
  if (entry == nullptr) return std::nullopt;
  return scalar_text(*entry, where, expected);
}

// ---------------------------------------------------------------------------------------------
// url

// Where the authority ("user:pass@host:port") sits in an absolute URL, as offsets into the text.
struct Authority {
  std::size_t begin;
  std::size_t end;
};

std::optional<Authority> find_authority(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  const std::size_t begin = separator + 3;
  const std::size_t end = url.find_first_of("/?#", begin);
  return Authority{begin, end == std::string_view::npos ? url.size() : end};
}

// The userinfo ends at the last '@' of the authority (an unescaped '@' may appear in the password).
std::optional<std::size_t> userinfo_end(std::string_view url, const Authority& authority) {
  const std::size_t at = url.substr(authority.begin, authority.end - authority.begin).rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  return authority.begin + at + 1;
}

// The URL with "user:pass@" cut out of the authority and nothing else changed, so the metric label
// shows what was configured minus the credentials.
std::string without_userinfo(const std::string& url) {
  const std::optional<Authority> authority = find_authority(url);
  if (!authority) return url;
  const std::optional<std::size_t> host_begin = userinfo_end(url, *authority);
  if (!host_begin) return url;
  return url.substr(0, authority->begin) + url.substr(*host_begin);
}

// For error messages: credentials removed even from a URL too malformed to parse.
std::string redacted(const std::string& url) {
  if (find_authority(url)) return without_userinfo(url);
  const std::size_t at = url.rfind('@');
  return at == std::string::npos ? url : "***@" + url.substr(at + 1);
}

std::optional<std::string> port_problem(std::string_view port) {
  if (port.empty()) return std::nullopt;  // "host:" is legal and means the default port
  const std::optional<long long> number = detail::parse_integer(port);
  if (number && *number >= 1 && *number <= 65'535) return std::nullopt;
  return "has an invalid port " + detail::quote(port);
}

// Checks host and port: the host is non-empty, an IPv6 literal is bracketed, a port is 1..65535.
std::optional<std::string> host_port_problem(std::string_view host_port) {
  std::size_t host_end = 0;
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return "has an IPv6 address without its closing ']'";
    if (close == 1) return "has no host";
    host_end = close + 1;
  } else {
    host_end = std::min(host_port.find(':'), host_port.size());
    if (host_end == 0) return "has no host";
  }
  const std::string_view rest = host_port.substr(host_end);
  if (rest.empty()) return std::nullopt;
  if (rest.front() != ':') return "has text after the host that is not a port";
  return port_problem(rest.substr(1));
}

std::optional<std::string> url_problem(const std::string& url) {
  const bool has_control = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (has_control) return "contains a control character (a line break, tab or similar)";
  const std::optional<Authority> authority = find_authority(url);
  if (!authority) return "is not an absolute URL: expected http://host/... or https://host/...";
  const std::string scheme = to_lower_ascii(std::string_view{url}.substr(0, authority->begin - 3));
  if (scheme != "http" && scheme != "https") {
    return "uses scheme " + detail::quote(scheme) + ": only http and https are supported";
  }
  const std::size_t host_begin = userinfo_end(url, *authority).value_or(authority->begin);
  return host_port_problem(std::string_view{url}.substr(host_begin, authority->end - host_begin));
}

void read_url(const std::vector<Entry>& fields, const YAML::Node& target_map, const Where& where,
              Target& target) {
  const Entry* entry = find_entry(fields, "url");
  if (entry == nullptr) where.at("url").fail(target_map.Mark(), "missing required field \"url\"");
  const std::string url = scalar_text(*entry, where, "a URL (http:// or https://)");
  if (const std::optional<std::string> problem = url_problem(url)) {
    where.at("url").fail(entry->value_mark(), detail::quote(redacted(url)) + " " + *problem);
  }
  target.url = url;
  target.labels.url = without_userinfo(url);
}

// ---------------------------------------------------------------------------------------------
// timeout, auth, method, headers

std::optional<std::chrono::milliseconds> read_timeout(const std::vector<Entry>& fields,
                                                      const Where& where) {
  const Entry* entry = find_entry(fields, "timeout");
  if (entry == nullptr) return std::nullopt;
  const std::string text = scalar_text(*entry, where, "a number of seconds");
  const std::optional<double> seconds = detail::parse_decimal(detail::trim(text));
  const Where timeout_where = where.at("timeout");
  if (!seconds) {
    timeout_where.fail(entry->value_mark(), detail::quote(text) + " is not a number of seconds");
  }
  if (!(*seconds > 0) || *seconds > kMaxTimeoutSeconds) {
    const std::string limit = detail::format_limit(kMaxTimeoutSeconds);
    timeout_where.fail(
        entry->value_mark(),
        detail::quote(text) +
            " is out of range: expected a number of seconds greater than 0 (at most " + limit +
            ")");
  }
  return detail::seconds_to_millis(*seconds);
}

// Never quotes the password: error messages end up in logs.
void read_auth(const std::vector<Entry>& fields, const Where& where, Target& target) {
  target.auth_user = optional_text(fields, "auth_user", where, "a user name");
  const Entry* password = find_entry(fields, "auth_pass");
  if (password == nullptr) return;
  target.auth_pass = scalar_text(*password, where, "a password (a single value; not shown)");
  if (!target.auth_user) {
    where.at("auth_pass")
        .fail(password->key.Mark(),
              "auth_pass is set but auth_user is not (the password is not shown)");
  }
}

std::string read_method(const std::vector<Entry>& fields, const Where& where) {
  const Entry* entry = find_entry(fields, "method");
  if (entry == nullptr) return "GET";
  const std::string text = scalar_text(*entry, where, "an HTTP method");
  std::string method = to_upper_ascii(text);
  if (!contains(kMethods, method)) {
    where.at("method").fail(entry->value_mark(),
                            detail::quote(text) + " is not a supported method; expected one of " +
                                join(kMethods) + " (any case)");
  }
  return method;
}

// RFC 7230 tchar: a header name made of anything else would corrupt the request.
bool is_http_token(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  const auto is_tchar = [&](char c) {
    return detail::is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kSymbols.find(c) != std::string_view::npos;
  };
  return !name.empty() && std::all_of(name.begin(), name.end(), is_tchar);
}

using Headers = std::vector<std::pair<std::string, std::string>>;

const std::pair<std::string, std::string>* find_header(const Headers& headers,
                                                       std::string_view name) {
  const auto found = std::find_if(headers.begin(), headers.end(), [&](const auto& header) {
    return equals_ignoring_case(header.first, name);
  });
  return found == headers.end() ? nullptr : &*found;
}

// Header values may carry tokens, so no message here quotes one.
std::pair<std::string, std::string> read_header(const Entry& entry, const Headers& earlier,
                                                const Where& where) {
  const std::string& name = entry.name();
  if (!is_http_token(name)) {
    where.at(name).fail(entry.key.Mark(),
                        detail::quote(name) +
                            " is not a valid header name: expected letters, digits and "
                            "!#$%&'*+-.^_`|~ only");
  }
  if (const auto* same = find_header(earlier, name)) {
    where.at(name).fail(entry.key.Mark(), "header " + detail::quote(name) + " repeats " +
                                              detail::quote(same->first) +
                                              " (header names ignore case)");
  }
  const std::string value = scalar_text(entry, where, "a header value (text or a number)");
  if (value.find_first_of(std::string_view{"\r\n\0", 3}) != std::string::npos) {
    where.at(name).fail(entry.value_mark(),
                        "the value of header " + detail::quote(name) +
                            " contains a line break or NUL, which would inject text into the "
                            "request (value not shown)");
  }
  return {name, value};
}

Headers read_headers(const std::vector<Entry>& fields, const Where& where) {
  const Entry* entry = find_entry(fields, "headers");
  if (entry == nullptr) return {};
  const Where headers_where = where.at("headers");
  if (!entry->value.IsMap()) {
    headers_where.fail(entry->value_mark(),
                       "expected a map of header names to values, got " + describe(entry->value));
  }
  Headers headers;
  for (const Entry& header : map_entries(entry->value, headers_where, "header")) {
    headers.push_back(read_header(header, headers, headers_where));
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------
// payload: YAML typed the way PyYAML's safe_load (YAML 1.1) typed it, since the seed tool was
// Python

// Exactly PyYAML's spellings: "tRuE" or "y" stay text.
std::optional<bool> yaml11_bool(std::string_view text) {
  static constexpr std::array<std::string_view, 9> kTrue{"yes",  "Yes", "YES", "true", "True",
                                                         "TRUE", "on",  "On",  "ON"};
  static constexpr std::array<std::string_view, 9> kFalse{"no",    "No",  "NO",  "false", "False",
                                                          "FALSE", "off", "Off", "OFF"};
  if (contains(kTrue, text)) return true;
  if (contains(kFalse, text)) return false;
  return std::nullopt;
}

// True for "tag:yaml.org,2002:<name>", the spelling yaml-cpp gives to !!<name>.
bool has_core_tag(const YAML::Node& node, std::string_view name) {
  const std::string_view tag = node.Tag();
  return tag.size() == kCoreTagPrefix.size() + name.size() &&
         tag.substr(0, kCoreTagPrefix.size()) == kCoreTagPrefix &&
         tag.substr(kCoreTagPrefix.size()) == name;
}

// PyYAML's resolver patterns for int and float, unchanged.
bool looks_like_yaml11_int(const std::string& text) {
  // RE2 matches in linear time without recursion, whatever the input.
  static const RE2 kInt{
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"};
  return text.size() <= kMaxTypedScalarLength && RE2::FullMatch(text, kInt);
}

bool looks_like_yaml11_float(const std::string& text) {
  static const RE2 kFloat{
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"};
  return text.size() <= kMaxTypedScalarLength && RE2::FullMatch(text, kFloat);
}

// Splits a leading sign off and drops '_' separators, as PyYAML's constructors do first.
bool take_sign_and_strip(std::string& text) {
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.erase(0, 1);
  return negative;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view digits, int base) {
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value, base);
  if (digits.empty() || error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

// 1:30 is 90: YAML 1.1's base-60 numbers.
std::optional<std::uint64_t> parse_sexagesimal(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(':', begin), text.size());
    const std::optional<std::uint64_t> digit = parse_unsigned(text.substr(begin, end - begin), 10);
    if (!digit || value > (std::numeric_limits<std::uint64_t>::max() - *digit) / 60) {
      return std::nullopt;
    }
    value = value * 60 + *digit;
    begin = end + 1;
  }
  return value;
}

std::optional<std::uint64_t> parse_yaml11_magnitude(const std::string& text) {
  if (text == "0") return 0;
  if (text.rfind("0b", 0) == 0) return parse_unsigned(std::string_view{text}.substr(2), 2);
  if (text.rfind("0x", 0) == 0) return parse_unsigned(std::string_view{text}.substr(2), 16);
  if (!text.empty() && text.front() == '0') {
    return parse_unsigned(std::string_view{text}.substr(1), 8);
  }
  if (text.find(':') != std::string::npos) return parse_sexagesimal(text);
  return parse_unsigned(text, 10);
}

// Python ints have no limit but JSON numbers here do: an integer beyond 64 bits is an error rather
// than a silently rounded value.
Json yaml11_int(const YAML::Node& node, const Where& where) {
  std::string text = node.Scalar();
  const bool negative = take_sign_and_strip(text);
  const std::optional<std::uint64_t> magnitude = parse_yaml11_magnitude(text);
  constexpr auto kMaxSigned = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!magnitude || (negative && *magnitude > kMaxSigned + 1)) {
    where.fail(node.Mark(), "integer does not fit in 64 bits (value not shown)");
  }
  if (!negative) return Json(*magnitude);
  if (*magnitude == kMaxSigned + 1) return Json(std::numeric_limits<std::int64_t>::min());
  return Json(-static_cast<std::int64_t>(*magnitude));
}

std::optional<double> parse_yaml11_float_magnitude(const std::string& text) {
  if (text.find(':') == std::string::npos) return detail::parse_decimal(text);
  double value = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(':', begin), text.size());
    const std::optional<double> digit = detail::parse_decimal(text.substr(begin, end - begin));
    if (!digit) return std::nullopt;
    value = value * 60 + *digit;
    begin = end + 1;
  }
  return value;
}

// JSON has no NaN or infinity: json.dumps refused them in the seed tool too.
Json yaml11_float(const YAML::Node& node, const Where& where) {
  std::string text = to_lower_ascii(node.Scalar());
  const bool negative = take_sign_and_strip(text);
  const std::optional<double> magnitude = parse_yaml11_float_magnitude(text);
  if (!magnitude || !std::isfinite(*magnitude)) {
    where.fail(node.Mark(), "number is not finite: JSON has no .inf or .nan");
  }
  return Json(negative ? -*magnitude : *magnitude);
}

Json explicit_bool(const YAML::Node& node, const Where& where) {
  const std::string text = to_lower_ascii(node.Scalar());
  if (text == "true" || text == "yes" || text == "on") return Json(true);
  if (text == "false" || text == "no" || text == "off") return Json(false);
  where.fail(node.Mark(), "value tagged !!bool is not true/false/yes/no/on/off (value not shown)");
}

// An unquoted scalar's type comes from its text; quoted and block scalars (tag "!") stay text.
Json plain_scalar(const YAML::Node& node, const Where& where) {
  const std::string& text = node.Scalar();
  if (const std::optional<bool> flag = yaml11_bool(text)) return Json(*flag);
  if (looks_like_yaml11_int(text)) return yaml11_int(node, where);
  if (looks_like_yaml11_float(text)) return yaml11_float(node, where);
  return Json(text);
}

Json scalar_to_json(const YAML::Node& node, const Where& where) {
  if (node.Tag() == "?") return plain_scalar(node, where);
  if (node.Tag() == "!" || has_core_tag(node, "str")) return Json(node.Scalar());
  if (has_core_tag(node, "null")) return Json(nullptr);
  if (has_core_tag(node, "bool")) return explicit_bool(node, where);
  if (has_core_tag(node, "int")) return yaml11_int(node, where);
  if (has_core_tag(node, "float")) return yaml11_float(node, where);
  where.fail(node.Mark(), "unsupported tag " + detail::quote(node.Tag()) +
                              "; only !!str, !!int, !!float, !!bool and !!null are understood");
}

// Walks a payload tree with the limits that keep alias tricks from hanging or crashing the loader.
class PayloadConverter {
 public:
  Json convert(const YAML::Node& node, const Where& where, int depth) {
    if (depth > kMaxDepth) {
      where.fail(node.Mark(), "nests too deeply (or an alias refers to itself)");
    }
    if (++values_ > kMaxPayloadValues) {
      where.fail(node.Mark(), "has too many values (alias expansion?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return scalar_to_json(node, where);
      case YAML::NodeType::Sequence:
        return convert_sequence(node, where, depth);
      case YAML::NodeType::Map:
        return convert_map(node, where, depth);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return Json(nullptr);
  }

 private:
  Json convert_sequence(const YAML::Node& node, const Where& where, int depth) {
    Json array = Json::array();
    for (const YAML::Node& item : node) {
      array.push_back(convert(item, where.at_index(array.size()), depth + 1));
    }
    return array;
  }

  // JSON keys are text; json.dumps wrote a non-text key (1, true, null) as its JSON spelling.
  Json convert_map(const YAML::Node& node, const Where& where, int depth) {
    Json object = Json::object();
    for (const Entry& entry : map_entries(node, where, "key", depth)) {
      const Json key = scalar_to_json(entry.key, where.at(entry.name()));
      const std::string key_text = key.is_string() ? key.get<std::string>() : key.dump();
      object[key_text] = convert(entry.value, where.at(entry.name()), depth + 1);
    }
    return object;
  }

  std::size_t values_ = 0;
};

bool is_null_value(const YAML::Node& node) {
  return node.IsNull() || (node.IsScalar() && has_core_tag(node, "null"));
}

std::string dump_json(const Json& json, const Entry& entry, const Where& where) {
  try {
    return json.dump();
  } catch (const Json::type_error&) {
    where.fail(entry.value_mark(), "contains text that is not valid UTF-8");
  }
}

// A map or list becomes a JSON body (with a Content-Type unless one is configured); a single value
// is sent exactly as written.
void read_payload(const std::vector<Entry>& fields, const Where& where, Target& target) {
  const Entry* entry = find_entry(fields, "payload");
  if (entry == nullptr || is_null_value(entry->value)) return;
  const Where payload_where = where.at("payload");
  if (target.labels.method == "HEAD") {
    payload_where.fail(entry->value_mark(), "a HEAD request cannot send a payload");
  }
  if (entry->value.IsScalar()) {
    target.body = entry->value.Scalar();
    return;
  }
  const Json json = PayloadConverter{}.convert(entry->value, payload_where, 0);
  target.body = dump_json(json, *entry, payload_where);
  if (find_header(target.headers, "Content-Type") == nullptr) {
    target.headers.emplace_back("Content-Type", "application/json");
  }
}

// ---------------------------------------------------------------------------------------------
// Targets and the document

void reject_unknown_fields(const std::vector<Entry>& fields, const Where& where) {
  for (const Entry& field : fields) {
    if (contains(kTargetFields, field.name())) continue;
    where.at(field.name())
        .fail(field.key.Mark(), "unknown field " + detail::quote(field.name()) +
                                    suggestion(field.name(), kTargetFields));
  }
}

Target read_target(const Entry& entry, const Where& urls_where) {
  const std::string& name = entry.name();
  if (name.empty()) urls_where.fail(entry.key.Mark(), "a target name cannot be empty");
  const Where where = urls_where.at(name);
  if (!entry.value.IsMap()) {
    where.fail(entry.value_mark(),
               "expected a map of fields (url, namespace, ...), got " + describe(entry.value));
  }
  const std::vector<Entry> fields = map_entries(entry.value, where, "field");
  reject_unknown_fields(fields, where);

  Target target;
  target.labels.name = name;
  target.labels.namespace_ =
      optional_text(fields, "namespace", where, "a namespace name").value_or("default");
  read_url(fields, entry.value, where, target);
  target.timeout = read_timeout(fields, where);
  read_auth(fields, where, target);
  target.labels.method = read_method(fields, where);
  target.headers = read_headers(fields, where);
  read_payload(fields, where, target);
  return target;
}

// PyYAML's safe_load refused a stream of several documents, so a second one is an error here too.
YAML::Node load_single_document(const std::string& yaml_text, const Where& root) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(yaml_text);
  } catch (const YAML::Exception& error) {
    root.fail(error.mark, "invalid YAML: " + error.msg);
  }
  const std::string expected = "expected a map with a \"urls\" key";
  if (documents.empty()) root.fail(YAML::Mark::null_mark(), "the file is empty: " + expected);
  if (documents.size() > 1) {
    root.fail(documents[1].Mark(), "found a second YAML document (---): expected only one");
  }
  const YAML::Node& document = documents.front();
  if (document.IsNull()) root.fail(document.Mark(), "the document is empty: " + expected);
  if (!document.IsMap()) root.fail(document.Mark(), expected + ", got " + describe(document));
  return document;
}

YAML::Node find_targets(const YAML::Node& document, const Where& root) {
  const std::vector<Entry> entries = map_entries(document, root, "key");
  for (const Entry& entry : entries) {
    if (contains(kTopLevelKeys, entry.name())) continue;
    root.at(entry.name())
        .fail(entry.key.Mark(), "unknown top-level key " + detail::quote(entry.name()) +
                                    suggestion(entry.name(), kTopLevelKeys));
  }
  const Entry* urls = find_entry(entries, "urls");
  const Where where = root.at("urls");
  if (urls == nullptr) {
    where.fail(document.Mark(), "missing required key \"urls\" (the map of targets to probe)");
  }
  if (!urls->value.IsMap()) {
    where.fail(urls->value_mark(),
               "expected a map of target names to their settings, got " + describe(urls->value));
  }
  return urls->value;
}

struct FileCloser {
  // Closing a file that was only read cannot lose data, so its result is not needed.
  void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

std::string read_file(const std::string& path) {
  const auto cannot_read = [&](int error) {
    return ConfigError(path, 0, 0, "",
                       "cannot read file: " + std::generic_category().message(error));
  };
  const std::unique_ptr<std::FILE, FileCloser> file{std::fopen(path.c_str(), "rb")};
  if (!file) throw cannot_read(errno);
  std::string text;
  std::array<char, 65'536> buffer{};
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    text.append(buffer.data(), count);
  }
  if (std::ferror(file.get())) throw cannot_read(errno);
  return text;
}

std::string format_error(const std::string& file, int line, int column, const std::string& field,
                         std::string message) {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  text += ": ";
  if (!field.empty()) text += field + ": ";
  return text + std::move(message);
}

}  // namespace

ConfigError::ConfigError(std::string file, int line, int column, std::string field,
                         std::string message)
    : std::runtime_error(format_error(file, line, column, field, std::move(message))),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)) {}

Config parse_config(const std::string& yaml_text, const std::string& file_name) {
  const Where root{file_name, ""};
  const YAML::Node document = load_single_document(yaml_text, root);
  const YAML::Node urls = find_targets(document, root);
  const Where urls_where = root.at("urls");
  Config config;
  for (const Entry& entry : map_entries(urls, urls_where, "target name")) {
    config.targets.push_back(read_target(entry, urls_where));
  }
  if (config.targets.empty()) urls_where.fail(urls.Mark(), "has no targets: expected at least one");
  return config;
}

Config load_config_file(const std::string& path) {
  Config config = parse_config(read_file(path), path);
  // The YAML tree of a big config is many times the size of the targets it yields. glibc keeps
  // its freed pages resident unless asked (about 40 MiB after a 10,000-target config), and a
  // daemon that loads once and runs for weeks should not carry them.
  malloc_trim(0);
  return config;
}

}  // namespace epsitter
