// Reads what a probe sends: url, timeout, method, credentials (inline or from files), headers and
// payload. Secret values never appear in a message.
#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "config/file_text.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/url_check.hpp"
#include "config/yaml11_typing.hpp"

namespace epsitter::detail {
namespace {

constexpr double kMaxTimeoutSeconds = 3'600;
constexpr std::size_t kMaxSecretBytes = 65'536;
const Words kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

// The URL is requested without its userinfo, whose credentials read_request_fields sends as basic
// auth: one parse decides both (see url_check.hpp).
std::optional<ParsedUrl> read_url(const Fields& fields, Target& target) {
  const Field* field = find_field(fields, "url");
  if (field == nullptr) return std::nullopt;  // reported by the caller, which knows the target
  const std::string url = text_of(*field, "a URL (http:// or https://)");
  UrlParse parsed = parse_url(url);
  if (!parsed.url) field->fail(quote(redacted(url)) + " " + parsed.problem);
  target.url = parsed.url->without_userinfo;
  target.labels.url = parsed.url->without_userinfo;
  return std::move(parsed.url);
}

// "user:password@" in the URL is basic auth, as libcurl made it when it was handed the URL whole;
// auth_user or a bearer token, where set (perhaps in defaults:), wins over it as it did there.
void use_url_credentials(const std::optional<ParsedUrl>& url, Target& target) {
  if (!url || !url->user || target.extras->auth_user || target.extras->bearer_token) return;
  TargetExtras& extras = target.extras.write();
  extras.auth_user = url->user;
  extras.auth_pass = url->password;
}

std::optional<std::chrono::milliseconds> read_timeout(const Fields& fields) {
  const Field* field = find_field(fields, "timeout");
  if (field == nullptr) return std::nullopt;
  return seconds_to_millis(seconds_of(*field, kMaxTimeoutSeconds));
}

std::string read_method(const Fields& fields) {
  const Field* field = find_field(fields, "method");
  if (field == nullptr) return "GET";
  const std::string text = text_of(*field, "an HTTP method");
  std::string method = to_upper_ascii(text);
  if (!contains(kMethods, method)) {
    field->fail(quote(text) + " is not a supported method; expected one of " + join(kMethods) +
                " (any case)");
  }
  return method;
}

// One trailing line break is dropped: `echo token > file` and editors add one; Kubernetes Secret
// files usually have none.
std::string read_secret_file(const Field& field) {
  const std::string path = path_of(field);
  std::string secret;
  try {
    secret = read_file_text(path, kMaxSecretBytes);
  } catch (const FileReadError& error) {
    field.fail("cannot read file " + quote(path) + ": " + error.what());
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  return secret;
}

// A secret given inline (`inline_name`) or as a file (`file_name`), never both.
std::optional<std::string> read_secret(const Fields& fields, std::string_view inline_name,
                                       std::string_view file_name, const std::string& expected) {
  const Field* inline_field = find_field(fields, inline_name);
  const Field* file_field = find_field(fields, file_name);
  if (inline_field != nullptr && file_field != nullptr) {
    file_field->where.fail(
        file_field->entry.key.Mark(),
        "set either " + std::string{inline_name} + " or " + std::string{file_name} + ", not both");
  }
  if (file_field != nullptr) return read_secret_file(*file_field);
  if (inline_field != nullptr) return text_of(*inline_field, expected);
  return std::nullopt;
}

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Never quotes a password or token: error messages end up in logs.
void read_auth(const Fields& fields, bool complete, Target& target) {
  std::optional<std::string> user = optional_text(fields, "auth_user", "a user name");
  std::optional<std::string> password_text =
      read_secret(fields, "auth_pass", "auth_pass_file", "a password (a single value; not shown)");
  std::optional<std::string> token = read_secret(fields, "bearer_token", "bearer_token_file",
                                                 "a token (a single value; not shown)");
  const Field* token_field = find_field(fields, "bearer_token");
  if (token_field == nullptr) token_field = find_field(fields, "bearer_token_file");
  if (token && (token->empty() || has_control_character(*token))) {
    token_field->fail(
        "the bearer token is empty or contains a line break or control character "
        "(value not shown)");
  }
  if (complete) {
    const Field* password = find_field(fields, "auth_pass");
    if (password == nullptr) password = find_field(fields, "auth_pass_file");
    if (password_text && !user) {
      password->where.fail(
          password->entry.key.Mark(),
          password->name() + " is set but auth_user is not (the password is not shown)");
    }
    if (token && user) {
      token_field->where.fail(token_field->entry.key.Mark(),
                              "a target sends either basic auth (auth_user) or a bearer token, "
                              "not both");
    }
  }
  if (!user && !password_text && !token) return;  // most targets: the shared empty extras stay
  TargetExtras& extras = target.extras.write();
  extras.auth_user = std::move(user);
  extras.auth_pass = std::move(password_text);
  extras.bearer_token = std::move(token);
}

// RFC 7230 tchar: a header name made of anything else would corrupt the request.
bool is_http_token(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  const auto is_tchar = [&](char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kSymbols.find(c) != std::string_view::npos;
  };
  return !name.empty() && std::all_of(name.begin(), name.end(), is_tchar);
}

const std::pair<std::string, std::string>* find_header(const HeaderList& headers,
                                                       std::string_view name) {
  const auto found = std::find_if(headers.begin(), headers.end(), [&](const auto& header) {
    return equals_ignoring_case(header.first, name);
  });
  return found == headers.end() ? nullptr : &*found;
}

// Header values may carry tokens, so no message here quotes one.
std::pair<std::string, std::string> read_header(const Entry& entry, const HeaderList& earlier,
                                                const Where& where) {
  const std::string& name = entry.name();
  if (!is_http_token(name)) {
    where.at(name).fail(entry.key.Mark(),
                        quote(name) +
                            " is not a valid header name: expected letters, digits and "
                            "!#$%&'*+-.^_`|~ only");
  }
  if (const auto* same = find_header(earlier, name)) {
    where.at(name).fail(entry.key.Mark(), "header " + quote(name) + " repeats " +
                                              quote(same->first) + " (header names ignore case)");
  }
  const std::string value = scalar_text(entry, where, "a header value (text or a number)");
  if (value.find_first_of(std::string_view{"\r\n\0", 3}) != std::string::npos) {
    where.at(name).fail(entry.value_mark(),
                        "the value of header " + quote(name) +
                            " contains a line break or NUL, which would inject text into the "
                            "request (value not shown)");
  }
  return {name, value};
}

HeaderList read_headers(const Fields& fields) {
  const Field* field = find_field(fields, "headers");
  if (field == nullptr) return {};
  if (!field->entry.value.IsMap()) {
    field->fail("expected a map of header names to values, got " + describe(field->entry.value));
  }
  HeaderList headers;
  for (const Entry& header : map_entries(field->entry.value, field->where, "header")) {
    headers.push_back(read_header(header, headers, field->where));
  }
  return headers;
}

// A map or list becomes a JSON body (with a Content-Type unless one is configured); a single value
// is sent exactly as written.
void read_payload(const Fields& fields, bool complete, Target& target) {
  const Field* field = find_field(fields, "payload");
  if (field == nullptr || is_null_value(field->entry.value)) return;
  if (complete && target.labels.method == "HEAD") {
    field->fail("a HEAD request cannot send a payload");
  }
  if (field->entry.value.IsScalar()) {
    target.body = text_of(*field, "a payload");
    return;
  }
  const Json json = yaml_to_json(field->entry.value, field->where);
  target.body = dump_json(json, field->mark(), field->where);
  if (find_header(target.headers, "Content-Type") == nullptr) {
    target.headers.emplace_back("Content-Type", "application/json");
  }
}

}  // namespace

void read_request_fields(const Fields& fields, bool complete, Target& target) {
  target.labels.namespace_ =
      optional_text(fields, "namespace", "a namespace name").value_or("default");
  const std::optional<ParsedUrl> url = read_url(fields, target);
  target.timeout = read_timeout(fields);
  read_auth(fields, complete, target);
  use_url_credentials(url, target);
  target.labels.method = read_method(fields);
  target.headers = read_headers(fields);
  if (complete && target.extras->bearer_token && find_header(target.headers, "Authorization")) {
    find_field(fields, "headers")
        ->fail("a bearer token and an Authorization header cannot both be set");
  }
  read_payload(fields, complete, target);
}

}  // namespace epsitter::detail
