// Reads what a probe sends: url, timeout, method, credentials (inline or from files), headers and
// payload. Secret values never appear in a message.
#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "config/file_text.hpp"
#include "config/form_encoding.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/url_check.hpp"
#include "config/yaml11_typing.hpp"
#include "text/ascii.hpp"

namespace epsitter::detail {
namespace {

constexpr double kMaxTimeoutSeconds = 3'600;
constexpr std::size_t kMaxSecretBytes = 65'536;
constexpr std::size_t kMaxPayloadFileBytes = 1 << 20;
const Words kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
// The original tool's label values for a target that sets no namespace or method.
constexpr std::string_view kUnsetNamespace = "Unknown";
constexpr std::string_view kUnsetMethod = "get";

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

// The request is sent with the method in upper case; the `method` label keeps the config's
// spelling ("get" when unset), as the original tool's series had it.
void read_method(const Fields& fields, Target& target) {
  const Field* field = find_field(fields, "method");
  if (field == nullptr) {
    target.method = "GET";
    target.labels.method = kUnsetMethod;
    return;
  }
  const std::string text = text_of(*field, "an HTTP method");
  target.method = to_upper_ascii(text);
  if (!contains(kMethods, target.method)) {
    field->fail(quote(text) + " is not a supported method; expected one of " + join(kMethods) +
                " (any case)");
  }
  target.labels.method = text;
}

// One trailing line break is dropped: `echo token > file` and editors add one; Kubernetes Secret
// files usually have none.
std::string read_secret_file(const Field& field, std::vector<FileRead>& files_read) {
  const std::string path = path_of(field);
  std::string secret;
  try {
    secret = read_file_text(path, kMaxSecretBytes);
  } catch (const FileReadError& error) {
    field.fail("cannot read file " + quote(path) + ": " + error.what());
  }
  files_read.push_back(FileRead{path, content_hash(secret)});
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  return secret;
}

}  // namespace

std::optional<std::string> read_secret(const Fields& fields, std::string_view inline_name,
                                       std::string_view file_name, const std::string& expected,
                                       std::vector<FileRead>& files_read) {
  const Field* inline_field = find_field(fields, inline_name);
  const Field* file_field = find_field(fields, file_name);
  if (inline_field != nullptr && file_field != nullptr) {
    file_field->where.fail(
        file_field->entry.key.Mark(),
        "set either " + std::string{inline_name} + " or " + std::string{file_name} + ", not both");
  }
  if (file_field != nullptr) return read_secret_file(*file_field, files_read);
  if (inline_field != nullptr) return text_of(*inline_field, expected);
  return std::nullopt;
}

namespace {

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Never quotes a password or token: error messages end up in logs.
void read_auth(const Fields& fields, bool complete, Target& target) {
  std::optional<std::string> user = optional_text(fields, "auth_user", "a user name");
  std::vector<FileRead> files_read;
  std::optional<std::string> password_text = read_secret(
      fields, "auth_pass", "auth_pass_file", "a password (a single value; not shown)", files_read);
  std::optional<std::string> token = read_secret(fields, "bearer_token", "bearer_token_file",
                                                 "a token (a single value; not shown)", files_read);
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
  extras.secret_files = std::move(files_read);
}

// RFC 7230 tchar: a header name made of anything else would corrupt the request.
bool is_http_token(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  const auto is_tchar = [&](char c) {
    return text::is_ascii_alnum(c) || kSymbols.find(c) != std::string_view::npos;
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

// Names of headers that, like credentials, must not follow a redirect to another origin.
void read_secret_headers(const Fields& fields, Target& target) {
  const Field* field = find_field(fields, "secret_headers");
  if (field == nullptr || is_null_value(field->entry.value)) return;
  const YAML::Node& list = field->entry.value;
  if (!list.IsSequence()) {
    field->fail("expected a list of header names, got " + describe(list));
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = field->where.at_index(i);
    const std::string name = scalar_text(list[i], list[i].Mark(), item, "a header name");
    if (!is_http_token(name)) {
      item.fail(list[i].Mark(), quote(name) + " is not a valid header name");
    }
    names.push_back(name);
  }
  if (!names.empty()) target.extras.write().secret_headers = std::move(names);
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

bool sets_content_type(const Target& target) {
  return find_header(target.headers, "Content-Type") != nullptr;
}

// One key's pairs of a form: a list repeats the key, and null values are left out, as requests
// does; anything deeper has no form encoding.
void append_form_pairs(const std::string& key, const Json& value, const Where& where,
                       const YAML::Mark& mark, FormFields& form) {
  const auto append_scalar = [&](const Json& item) {
    if (item.is_structured()) {
      where.fail(mark,
                 "a form value cannot be a map or a list of lists; to send nested data, "
                 "use json: instead of payload:");
    }
    if (!item.is_null()) form.emplace_back(key, python_str(item));
  };
  if (value.is_object()) {
    where.fail(mark,
               "a nested map cannot be sent as a form; to send nested data, use json: "
               "instead of payload:");
  }
  if (!value.is_array()) return append_scalar(value);
  for (const Json& item : value) append_scalar(item);
}

// `payload:` means what it meant to the original tool (requests' `data=`): a map is a form
// (application/x-www-form-urlencoded unless a Content-Type header is set), a single value is sent
// as it is written.
void read_form_payload(const Field& field, Target& target) {
  const YAML::Node& node = field.entry.value;
  if (node.IsScalar()) {
    target.body = text_of(field, "a payload");
    return;
  }
  if (!node.IsMap()) {
    field.fail("expected a map (sent as a form) or a single value (sent as it is), got " +
               describe(node) + "; to send a JSON list, use json: instead of payload:");
  }
  FormFields form;
  for (const Entry& entry : map_entries(node, field.where, "key")) {
    const Where where = field.where.at(entry.name());
    const std::string key = python_str(yaml_key_to_json(entry, field.where));
    append_form_pairs(key, yaml_to_json(entry.value, where), where, entry.value_mark(), form);
  }
  if (node.size() == 0) return;  // an empty map sends no body, as requests does for `data={}`
  target.body = form_urlencode(form);
  if (!sets_content_type(target)) {
    target.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
}

// `json:` sends any value as a JSON body (application/json unless a Content-Type header is set).
void read_json_payload(const Field& field, Target& target) {
  const Json json = yaml_to_json(field.entry.value, field.where);
  target.body = dump_json(json, field.mark(), field.where);
  if (!sets_content_type(target)) target.headers.emplace_back("Content-Type", "application/json");
}

// The body as the file holds it, byte for byte, without a Content-Type; read again on every load
// and watched like the secret files, so that a change reloads the target.
void read_payload_file(const Field& field, Target& target) {
  const std::string path = path_of(field);
  try {
    target.body = read_file_text(path, kMaxPayloadFileBytes);
  } catch (const FileReadError& error) {
    field.fail("cannot read file " + quote(path) + ": " + error.what());
  }
  target.extras.write().secret_files.push_back(FileRead{path, content_hash(*target.body)});
}

void read_payload(const Fields& fields, bool complete, Target& target) {
  const Field* form = find_field(fields, "payload");
  const Field* json = find_field(fields, "json");
  const Field* file = find_field(fields, "payload_file");
  if (form != nullptr && is_null_value(form->entry.value)) form = nullptr;
  if (json != nullptr && is_null_value(json->entry.value)) json = nullptr;
  if (form != nullptr && json != nullptr) {
    const Field* later = form->mark().pos > json->mark().pos ? form : json;
    later->where.fail(later->entry.key.Mark(),
                      "set either payload (a form or text) or json (a JSON body), not both");
  }
  if (file != nullptr && (form != nullptr || json != nullptr)) {
    file->where.fail(file->entry.key.Mark(), "set either payload_file (a file's bytes) or " +
                                                 std::string{form != nullptr ? "payload" : "json"} +
                                                 ", not both");
  }
  const Field* body = form != nullptr ? form : json != nullptr ? json : file;
  if (body == nullptr) return;
  if (complete && target.method == "HEAD") body->fail("a HEAD request cannot send a body");
  if (body == form) {
    read_form_payload(*form, target);
  } else if (body == json) {
    read_json_payload(*json, target);
  } else {
    read_payload_file(*file, target);
  }
}

}  // namespace

void read_request_fields(const Fields& fields, bool complete, Target& target) {
  target.labels.namespace_ =
      optional_text(fields, "namespace", "a namespace name").value_or(std::string{kUnsetNamespace});
  const std::optional<ParsedUrl> url = read_url(fields, target);
  target.timeout = read_timeout(fields);
  read_auth(fields, complete, target);
  use_url_credentials(url, target);
  read_method(fields, target);
  target.headers = read_headers(fields);
  read_secret_headers(fields, target);
  if (complete && target.extras->bearer_token && find_header(target.headers, "Authorization")) {
    find_field(fields, "headers")
        ->fail("a bearer token and an Authorization header cannot both be set");
  }
  read_payload(fields, complete, target);
  read_oauth2(fields, complete, target);
}

}  // namespace epsitter::detail
