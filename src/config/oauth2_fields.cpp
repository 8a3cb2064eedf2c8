// Reads `oauth2:`, the client-credentials settings a target gets its bearer token with. The client
// secret is never quoted in a message.
#include <algorithm>
#include <map>

#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/target_fields.hpp"
#include "config/url_check.hpp"

namespace epsitter::detail {
namespace {

const Words kOAuth2Fields{"token_url", "client_id", "client_secret",  "client_secret_file",
                          "scopes",    "params",    "endpoint_params"};
// Set by epsitter itself: a parameter of the same name would contradict it.
const Words kReservedParams{"grant_type", "scope"};

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The token endpoint gets the client secret: it must be a plain http(s) URL, and a password in it
// would be a second, conflicting credential (and would show in the token_url label).
std::string read_token_url(const Field& field) {
  const std::string url = text_of(field, "a URL (http:// or https://)");
  const UrlParse parsed = parse_url(url);
  if (!parsed.url) field.fail(quote(redacted(url)) + " " + parsed.problem);
  if (parsed.url->user) {
    field.fail(quote(redacted(url)) +
               " has credentials in it; give them as client_id and client_secret instead");
  }
  return parsed.url->without_userinfo;
}

std::vector<std::string> read_scopes(const Field& field) {
  const YAML::Node& list = field.entry.value;
  if (is_null_value(list)) return {};
  if (!list.IsSequence()) field.fail("expected a list of scopes, got " + describe(list));
  std::vector<std::string> scopes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Where item = field.where.at_index(i);
    const std::string scope = scalar_text(list[i], list[i].Mark(), item, "a scope");
    // Scopes are sent joined by spaces (RFC 6749 3.3): one with a space would become two.
    if (scope.empty() || scope.find(' ') != std::string::npos || has_control_character(scope)) {
      item.fail(list[i].Mark(), quote(scope) + " is not a scope: expected a word without spaces");
    }
    scopes.push_back(scope);
  }
  return scopes;
}

std::vector<std::pair<std::string, std::string>> read_params(const Field& field) {
  const YAML::Node& map = field.entry.value;
  if (is_null_value(map)) return {};
  if (!map.IsMap())
    field.fail("expected a map of form field names to values, got " + describe(map));
  std::map<std::string, std::string> params;  // sorted: equal settings compare equal
  for (const Entry& entry : map_entries(map, field.where, "parameter")) {
    const std::string& name = entry.name();
    if (name.empty() || contains(kReservedParams, name)) {
      field.where.at(name).fail(entry.key.Mark(),
                                quote(name) +
                                    " cannot be set here: epsitter sends grant_type, "
                                    "and scope from scopes");
    }
    // Values may be credentials of their own: never quoted.
    params[name] = scalar_text(entry, field.where, "a parameter value (a single value)");
  }
  return {params.begin(), params.end()};
}

const Field& required(const Fields& fields, std::string_view name, const Field& block) {
  const Field* field = find_field(fields, name);
  if (field == nullptr) {
    block.where.fail(block.entry.key.Mark(), std::string{name} + " is required in oauth2");
  }
  return *field;
}

// oauth2 replaces the target's fixed credentials: two would contradict each other.
void check_exclusive(const Field& block, const Target& target) {
  const auto refuse = [&block](const std::string& other) {
    block.where.fail(
        block.entry.key.Mark(),
        "oauth2 sends its own Authorization header: it cannot be set together with " + other);
  };
  if (target.extras->auth_user) refuse("auth_user/auth_pass (or credentials in url)");
  if (target.extras->bearer_token) refuse("bearer_token/bearer_token_file");
  const bool authorization_header = std::any_of(
      target.headers.begin(), target.headers.end(),
      [](const auto& header) { return equals_ignoring_case(header.first, "Authorization"); });
  if (authorization_header) refuse("an Authorization header (headers)");
}

}  // namespace

void read_oauth2(const Fields& fields, bool complete, Target& target) {
  const Field* block = find_field(fields, "oauth2");
  if (block == nullptr || is_null_value(block->entry.value)) return;
  if (!block->entry.value.IsMap()) {
    block->fail(
        "expected a map with token_url, client_id and client_secret (or "
        "client_secret_file), got " +
        describe(block->entry.value));
  }
  const Fields inner =
      to_fields(map_entries(block->entry.value, block->where, "field"), block->where);
  for (const Field& field : inner) {
    if (!contains(kOAuth2Fields, field.name())) {
      field.where.fail(field.entry.key.Mark(), quote(field.name()) + " is not an oauth2 field" +
                                                   suggestion(field.name(), kOAuth2Fields));
    }
  }
  OAuth2Settings settings;
  settings.token_url = read_token_url(required(inner, "token_url", *block));
  const Field& client_id = required(inner, "client_id", *block);
  settings.client_id = text_of(client_id, "a client id");
  if (settings.client_id.empty() || has_control_character(settings.client_id)) {
    client_id.fail("the client id is empty or contains a control character");
  }
  std::vector<FileRead> files_read;
  std::optional<std::string> secret =
      read_secret(inner, "client_secret", "client_secret_file",
                  "a client secret (a single value; not shown)", files_read);
  if (!secret) {
    block->where.fail(block->entry.key.Mark(),
                      "client_secret or client_secret_file is required in oauth2");
  }
  if (secret->empty() || has_control_character(*secret)) {
    const Field* field = find_field(inner, "client_secret");
    if (field == nullptr) field = find_field(inner, "client_secret_file");
    field->fail("the client secret is empty or contains a control character (value not shown)");
  }
  settings.client_secret = std::move(*secret);
  if (const Field* scopes = find_field(inner, "scopes")) settings.scopes = read_scopes(*scopes);
  const Field* params = find_field(inner, "endpoint_params");
  if (const Field* alias = find_field(inner, "params")) {
    if (params != nullptr) {
      alias->where.fail(alias->entry.key.Mark(),
                        "set either params or endpoint_params (the same thing), not both");
    }
    params = alias;
  }
  if (params != nullptr) settings.params = read_params(*params);
  if (complete) check_exclusive(*block, target);
  TargetExtras& extras = target.extras.write();
  extras.oauth2 = std::move(settings);
  extras.secret_files.insert(extras.secret_files.end(), files_read.begin(), files_read.end());
}

}  // namespace epsitter::detail
