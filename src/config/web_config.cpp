// The --web.config.file format of Prometheus' exporter-toolkit: TLS and basic auth for our port.
#include "config/web_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <system_error>
#include <vector>

#include "config/config_loader.hpp"
#include "config/file_text.hpp"
#include "config/named_values.hpp"
#include "config/number_parsing.hpp"
#include "config/spelling.hpp"
#include "config/yaml_fields.hpp"
#include "text/ascii.hpp"

namespace epsitter {
namespace {

using detail::Entry;
using detail::Where;

constexpr std::size_t kMaxWebConfigBytes = 1 << 20;  // a page of YAML; more is surely not one
constexpr std::size_t kMaxPemBytes = 1 << 20;

const detail::Words kTopLevel{"tls_server_config", "basic_auth_users"};
const detail::Words kTlsFields{"cert_file", "key_file", "client_ca_file", "client_auth_type",
                               "min_version"};
// exporter-toolkit knows these too; naming them as unsupported beats a "did you mean".
const detail::Words kUnsupportedTopLevel{"http_server_config"};
const detail::Words kUnsupportedTls{"cert",
                                    "key",
                                    "client_ca",
                                    "max_version",
                                    "cipher_suites",
                                    "curve_preferences",
                                    "client_allowed_sans",
                                    "prefer_server_cipher_suites"};

constexpr std::array<detail::NamedValue<ClientAuth>, 5> kClientAuthNames{{
    {"NoClientCert", ClientAuth::no_client_cert},
    {"RequestClientCert", ClientAuth::request_client_cert},
    {"RequireAnyClientCert", ClientAuth::require_any_client_cert},
    {"VerifyClientCertIfGiven", ClientAuth::verify_client_cert_if_given},
    {"RequireAndVerifyClientCert", ClientAuth::require_and_verify_client_cert},
}};

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string position(const Where& where, const YAML::Mark& mark) {
  std::string text = where.context->file;
  if (mark.line >= 0) {
    text += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return text + ": " + where.field;
}

std::vector<Entry> entries_of(const YAML::Node& map, const YAML::Mark& mark, const Where& where,
                              const detail::Words& known, const detail::Words& unsupported) {
  if (!map.IsMap()) where.fail(mark, "expected a map, got " + detail::describe(map));
  std::vector<Entry> entries = detail::map_entries(map, where, "field");
  for (const Entry& entry : entries) {
    if (detail::contains(known, entry.name())) continue;
    if (detail::contains(unsupported, entry.name())) {
      where.at(entry.name())
          .fail(entry.key.Mark(), "is an exporter-toolkit setting that epsitter does not support");
    }
    where.at(entry.name())
        .fail(entry.key.Mark(), "unknown field " + detail::quote(entry.name()) +
                                    detail::suggestion(entry.name(), known));
  }
  return entries;
}

// The value as written: exporter-toolkit expands nothing, so neither do we.
std::string text_of(const Entry& entry, const Where& where) {
  if (!entry.value.IsScalar() || detail::is_null_value(entry.value)) {
    where.fail(entry.value_mark(), "expected a single value, got " + detail::describe(entry.value));
  }
  return entry.value.Scalar();
}

WebConfigPath readable_file(const Entry& entry, const Where& where) {
  std::string path = text_of(entry, where);
  if (path.empty()) where.fail(entry.value_mark(), "expected a file name, got an empty value");
  const std::string base = directory_of(where.context->file);
  if (path.front() != '/' && !base.empty()) path = base + "/" + path;
  try {
    detail::check_file_readable(path, kMaxPemBytes);
  } catch (const detail::FileReadError& error) {
    where.fail(entry.value_mark(), "cannot read " + detail::quote(path) + ": " + error.what());
  }
  return WebConfigPath{path, position(where, entry.value_mark())};
}

ClientAuth client_auth_of(const Entry& entry, const Where& where) {
  const std::string name = text_of(entry, where);
  const std::optional<ClientAuth> known = detail::value_named(kClientAuthNames, name);
  if (!known) {
    where.fail(entry.value_mark(), detail::quote(name) + " is not a client_auth_type" +
                                       detail::suggestion(name, detail::names_of(kClientAuthNames)));
  }
  return *known;
}

TlsMinVersion min_version_of(const Entry& entry, const Where& where) {
  const std::string name = text_of(entry, where);
  if (name == "TLS12") return TlsMinVersion::tls12;
  if (name == "TLS13") return TlsMinVersion::tls13;
  if (name == "TLS10" || name == "TLS11") {
    where.fail(entry.value_mark(),
               detail::quote(name) +
                   " is not supported (TLS 1.0 and 1.1 are obsolete): use TLS12 "
                   "or TLS13");
  }
  where.fail(entry.value_mark(), detail::quote(name) + " is not a TLS version: use TLS12 or TLS13");
}

bool verifies_client(ClientAuth auth) {
  return auth == ClientAuth::verify_client_cert_if_given ||
         auth == ClientAuth::require_and_verify_client_cert;
}

TlsServerConfig read_tls(const Entry& block, const Where& where) {
  const std::vector<Entry> entries =
      entries_of(block.value, block.value_mark(), where, kTlsFields, kUnsupportedTls);
  TlsServerConfig tls;
  bool has_cert = false;
  bool has_key = false;
  const Entry* client_auth = nullptr;
  for (const Entry& entry : entries) {
    const Where field = where.at(entry.name());
    if (entry.name() == "cert_file") {
      tls.cert_file = readable_file(entry, field);
      has_cert = true;
    } else if (entry.name() == "key_file") {
      tls.key_file = readable_file(entry, field);
      has_key = true;
    } else if (entry.name() == "client_ca_file") {
      tls.client_ca_file = readable_file(entry, field);
    } else if (entry.name() == "client_auth_type") {
      tls.client_auth = client_auth_of(entry, field);
      client_auth = &entry;
    } else if (entry.name() == "min_version") {
      tls.min_version = min_version_of(entry, field);
    }
  }
  if (!has_cert) where.fail(block.key.Mark(), "cert_file is required for TLS");
  if (!has_key) where.fail(block.key.Mark(), "key_file is required for TLS");
  // The same two mistakes exporter-toolkit refuses: a CA that nothing uses, and verification
  // without anything to verify against.
  if (tls.client_ca_file && tls.client_auth == ClientAuth::no_client_cert) {
    where.at("client_ca_file")
        .fail(block.key.Mark(),
              "client_ca_file is set but client_auth_type is NoClientCert: set client_auth_type "
              "(e.g. RequireAndVerifyClientCert)");
  }
  if (verifies_client(tls.client_auth) && !tls.client_ca_file) {
    where.at("client_auth_type")
        .fail(client_auth->value_mark(),
              client_auth->value.Scalar() + " needs client_ca_file (the CAs to verify against)");
  }
  return tls;
}

// A bcrypt hash as htpasswd -B and Python's bcrypt write it: $2y$ (or $2b$, $2a$), a cost of 04
// to 31, then 53 characters of salt and hash.
bool is_bcrypt_hash(std::string_view hash) {
  if (hash.size() != 60 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$') {
    return false;
  }
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (!detail::is_ascii_digit(hash[4]) || !detail::is_ascii_digit(hash[5])) return false;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(),
                     [](char c) { return text::is_ascii_alnum(c) || c == '.' || c == '/'; });
}

std::map<std::string, std::string> read_users(const Entry& block, const Where& where) {
  std::map<std::string, std::string> users;
  if (detail::is_null_value(block.value)) return users;
  if (!block.value.IsMap()) {
    where.fail(block.value_mark(), "expected a map of user names to bcrypt hashes, got " +
                                       detail::describe(block.value));
  }
  for (const Entry& entry : detail::map_entries(block.value, where, "user")) {
    const std::string& user = entry.name();
    const Where field = where.at(user);
    // Basic auth sends "user:password", so a user name cannot hold a colon.
    const bool printable = std::all_of(user.begin(), user.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f && c != ':';
    });
    if (user.empty() || !printable) {
      field.fail(entry.key.Mark(),
                 "a user name must be non-empty, without ':' or control characters");
    }
    // The value is never quoted: a plain password pasted by mistake must not reach the log.
    if (!entry.value.IsScalar() || !is_bcrypt_hash(entry.value.Scalar())) {
      field.fail(entry.value_mark(),
                 "expected a bcrypt hash ($2y$, $2b$ or $2a$, 60 characters, as `htpasswd -nbB "
                 "USER PASSWORD` prints after the colon); the value is not shown");
    }
    users.emplace(user, entry.value.Scalar());
  }
  return users;
}

}  // namespace

WebConfig parse_web_config(const std::string& yaml_text, const std::string& file_name) {
  const detail::LoadContext context{file_name, {}, directory_of(file_name)};
  const Where root{&context, ""};
  YAML::Node document;
  try {
    document = YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    root.fail(error.mark, "invalid YAML: " + error.msg);
  }
  WebConfig config;
  if (detail::is_null_value(document)) return config;
  for (const Entry& entry :
       entries_of(document, document.Mark(), root, kTopLevel, kUnsupportedTopLevel)) {
    if (detail::is_null_value(entry.value)) continue;  // `tls_server_config:` alone: nothing set
    if (entry.name() == "tls_server_config") {
      config.tls = read_tls(entry, root.at(entry.name()));
    } else {
      config.basic_auth_users = read_users(entry, root.at(entry.name()));
    }
  }
  return config;
}

WebConfig load_web_config_file(const std::string& path) {
  std::string text;
  try {
    text = detail::read_file_text(path, kMaxWebConfigBytes);
  } catch (const detail::FileReadError& error) {
    throw ConfigError(path, 0, 0, "", std::string{"cannot read the web config: "} + error.what());
  }
  return parse_web_config(text, path);
}

}  // namespace epsitter
