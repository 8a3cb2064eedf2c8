// The OAuth 2.0 client-credentials token request and the reading of its answer.
#include "probe/oauth2_token.hpp"

#include <algorithm>
#include <cmath>

#include "expect/json_path.hpp"
#include "text/ascii.hpp"

namespace epsitter {
namespace {

// application/x-www-form-urlencoded, as Go's url.QueryEscape: letters, digits and "-_.~" stay,
// a space becomes '+', every other byte %XX.
void append_form_encoded(std::string& out, const std::string& text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (text::is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0x0FU];
    }
  }
}

std::string form_encoded(const std::string& text) {
  std::string out;
  append_form_encoded(out, text);
  return out;
}

void append_field(std::string& body, const std::string& name, const std::string& value) {
  if (!body.empty()) body += '&';
  append_form_encoded(body, name);
  body += '=';
  append_form_encoded(body, value);
}

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// expires_in as a JSON number or, as some servers send it, a string of digits (Go accepts both).
std::optional<std::chrono::milliseconds> read_expires_in(const nlohmann::json& value) {
  // Ten years: longer is no expiry in practice, and the bound keeps the arithmetic in range.
  constexpr double kMaxSeconds = 10.0 * 365 * 86'400;
  double seconds = 0;
  if (value.is_number()) {
    seconds = value.get<double>();
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 12 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    seconds = std::stod(text);
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(seconds) || seconds <= 0) return std::nullopt;
  seconds = std::min(seconds, kMaxSeconds);
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

TokenResponse failed(std::string problem) {
  TokenResponse response;
  response.problem = std::move(problem);
  return response;
}

}  // namespace

ProbeRequest make_token_request(const OAuth2Settings& settings, std::chrono::milliseconds timeout,
                                const std::string& user_agent) {
  ProbeRequest request;
  request.url = settings.token_url;
  request.method = "POST";
  request.timeout = timeout;
  request.auth_user = form_encoded(settings.client_id);
  request.auth_pass = form_encoded(settings.client_secret);
  std::string body;
  append_field(body, "grant_type", "client_credentials");
  if (!settings.scopes.empty()) {
    std::string scope;
    for (const std::string& item : settings.scopes) scope += (scope.empty() ? "" : " ") + item;
    append_field(body, "scope", scope);
  }
  for (const auto& [name, value] : settings.params) append_field(body, name, value);
  request.body = std::move(body);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.default_user_agent = user_agent;
  request.follow_redirects = false;
  request.body_limit = kMaxTokenResponseBytes;
  request.max_body_size = kMaxTokenResponseBytes;
  request.keep_body = true;
  return request;
}

TokenResponse read_token_response(const ProbeResult& result) {
  if (result.error != ProbeError::none) {
    return failed("token endpoint not reached (" + std::string{to_label(result.error)} + ")");
  }
  if (result.body_too_large) {
    return failed("token response is longer than " + std::to_string(kMaxTokenResponseBytes) +
                  " bytes");
  }
  if (result.status_code < 200 || result.status_code > 299) {
    return failed("token endpoint answered status " + std::to_string(result.status_code));
  }
  const std::optional<nlohmann::json> document = parse_json_body(result.body);
  if (!document || !document->is_object()) return failed("token response is not a JSON object");
  const auto token = document->find("access_token");
  if (token == document->end() || !token->is_string() ||
      token->get_ref<const std::string&>().empty()) {
    return failed("token response has no access_token");
  }
  const auto& text = token->get_ref<const std::string&>();
  if (has_control_character(text)) return failed("access_token has a control character");
  const auto type = document->find("token_type");
  if (type != document->end() && !type->is_null() &&
      !(type->is_string() &&
        text::equals_ignoring_case(type->get_ref<const std::string&>(), "bearer"))) {
    return failed("token_type is not Bearer");
  }
  TokenResponse response;
  response.access_token = text;
  const auto expires = document->find("expires_in");
  if (expires != document->end()) response.expires_in = read_expires_in(*expires);
  return response;
}

std::chrono::milliseconds token_lifetime(std::optional<std::chrono::milliseconds> expires_in) {
  if (!expires_in) return kTokenDefaultLifetime;
  const auto margin =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(60), *expires_in / 10);
  return *expires_in - margin;
}

}  // namespace epsitter
