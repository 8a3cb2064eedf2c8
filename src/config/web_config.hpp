// The --web.config.file format of Prometheus' exporter-toolkit: TLS and basic auth for our port.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace epsitter {

// A file named in the web config, with where it was named: problems found only when the file is
// used (a key that does not match its certificate) still point at the line that named it.
struct WebConfigPath {
  std::string path;   // as written, made absolute against the web config file's directory
  std::string where;  // "FILE:LINE:COLUMN: tls_server_config.cert_file"
};

// exporter-toolkit's client_auth_type values, in Go's crypto/tls order.
enum class ClientAuth {
  no_client_cert,                  // NoClientCert (the default)
  request_client_cert,             // RequestClientCert: asked for, not required, not verified
  require_any_client_cert,         // RequireAnyClientCert: required, not verified
  verify_client_cert_if_given,     // VerifyClientCertIfGiven: verified when sent
  require_and_verify_client_cert,  // RequireAndVerifyClientCert: required and verified
};

enum class TlsMinVersion { tls12, tls13 };

struct TlsServerConfig {
  WebConfigPath cert_file;                      // PEM: the certificate, then its chain
  WebConfigPath key_file;                       // PEM
  std::optional<WebConfigPath> client_ca_file;  // PEM: CAs that sign client certificates
  ClientAuth client_auth = ClientAuth::no_client_cert;
  TlsMinVersion min_version = TlsMinVersion::tls12;
};

struct WebConfig {
  std::optional<TlsServerConfig> tls;                   // set: the port speaks HTTPS only
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash; empty: no auth
};

// Parses the text of a web config. `file_name` is named in errors and relative paths are read
// from its directory; every file named must be readable now. Unknown keys and bad values throw
// ConfigError (file, line, column, field), as the targets' config does. An empty file is valid
// and changes nothing, as in exporter-toolkit.
WebConfig parse_web_config(const std::string& yaml_text, const std::string& file_name);

// Reads and parses the file at `path`. Throws ConfigError.
WebConfig load_web_config_file(const std::string& path);

}  // namespace epsitter
