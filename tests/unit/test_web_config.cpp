// Unit tests for the --web.config.file parser: exporter-toolkit's keys, errors with
// file:line:field.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config/web_config.hpp"
#include "temp_directory.hpp"

using namespace epsitter;

namespace {

// A bcrypt hash of "secret" (cost 4), as Python's crypt module made it.
const std::string kHash = "$2b$04$7ur4Vpbcmyo5JSlJe/YeQep6Qf8d2aWEMl.JuS56fWEgflk1HpBv6";

struct Files {
  testing::TempDirectory dir;
  std::string config_path(const std::string& text) const { return dir.write("web.yml", text); }
  Files() {
    dir.write("cert.pem", "pem");
    dir.write("key.pem", "pem");
    dir.write("ca.pem", "pem");
  }
};

WebConfig parse_in(const Files& files, const std::string& text) {
  const std::string path = files.config_path(text);
  return parse_web_config(text, path);
}

std::string error_in(const Files& files, const std::string& text) {
  try {
    parse_in(files, text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  throw std::logic_error("accepted but should be refused:\n" + text);
}

}  // namespace

TEST_CASE("an empty web config changes nothing", "[web_config]") {
  const Files files;
  for (const std::string text : {"", "# nothing\n", "tls_server_config:\nbasic_auth_users:\n"}) {
    const WebConfig config = parse_in(files, text);
    CHECK_FALSE(config.tls);
    CHECK(config.basic_auth_users.empty());
  }
}

TEST_CASE("TLS and users are read with relative paths resolved to the file's directory",
          "[web_config]") {
  const Files files;
  const WebConfig config = parse_in(files,
                                    "tls_server_config:\n"
                                    "  cert_file: cert.pem\n"
                                    "  key_file: key.pem\n"
                                    "  client_ca_file: ca.pem\n"
                                    "  client_auth_type: RequireAndVerifyClientCert\n"
                                    "  min_version: TLS13\n"
                                    "basic_auth_users:\n"
                                    "  prometheus: " +
                                        kHash + "\n");
  REQUIRE(config.tls);
  CHECK(config.tls->cert_file.path == (files.dir.path() / "cert.pem").string());
  CHECK_THAT(config.tls->cert_file.where,
             Catch::EndsWith("web.yml:2:14: tls_server_config.cert_file"));
  CHECK(config.tls->key_file.path == (files.dir.path() / "key.pem").string());
  REQUIRE(config.tls->client_ca_file);
  CHECK(config.tls->client_auth == ClientAuth::require_and_verify_client_cert);
  CHECK(config.tls->min_version == TlsMinVersion::tls13);
  CHECK(config.basic_auth_users.at("prometheus") == kHash);
}

TEST_CASE("TLS defaults to no client certificates and TLS 1.2", "[web_config]") {
  const Files files;
  const WebConfig config =
      parse_in(files, "tls_server_config: {cert_file: cert.pem, key_file: key.pem}\n");
  REQUIRE(config.tls);
  CHECK(config.tls->client_auth == ClientAuth::no_client_cert);
  CHECK(config.tls->min_version == TlsMinVersion::tls12);
  CHECK_FALSE(config.tls->client_ca_file);
}

TEST_CASE("every client_auth_type of exporter-toolkit is known", "[web_config]") {
  const Files files;
  const std::pair<const char*, ClientAuth> cases[] = {
      {"NoClientCert", ClientAuth::no_client_cert},
      {"RequestClientCert", ClientAuth::request_client_cert},
      {"RequireAnyClientCert", ClientAuth::require_any_client_cert},
      {"VerifyClientCertIfGiven", ClientAuth::verify_client_cert_if_given},
      {"RequireAndVerifyClientCert", ClientAuth::require_and_verify_client_cert},
  };
  for (const auto& [name, value] : cases) {
    const std::string ca = value == ClientAuth::no_client_cert ? "" : ", client_ca_file: ca.pem";
    const WebConfig config =
        parse_in(files, std::string("tls_server_config: {cert_file: cert.pem, key_file: key.pem, "
                                    "client_auth_type: ") +
                            name + ca + "}\n");
    CHECK(config.tls->client_auth == value);
  }
}

TEST_CASE("unknown keys name the file, line, field and a likely spelling", "[web_config]") {
  const Files files;
  const std::string top = error_in(files, "basic_auth_user:\n  a: " + kHash + "\n");
  CHECK_THAT(top, Catch::Contains("web.yml:1:1: basic_auth_user: unknown field"));
  CHECK_THAT(top, Catch::Contains("did you mean \"basic_auth_users\""));
  const std::string nested = error_in(
      files, "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  keyfile: x\n");
  CHECK_THAT(nested, Catch::Contains("web.yml:4:3: tls_server_config.keyfile: unknown field"));
  const std::string unsupported =
      error_in(files,
               "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
               "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n");
  CHECK_THAT(unsupported, Catch::Contains("tls_server_config.cipher_suites: is an exporter-toolkit "
                                          "setting that epsitter does not support"));
  CHECK_THAT(error_in(files, "http_server_config: {http2: false}\n"),
             Catch::Contains("web.yml:1:1: http_server_config: is an exporter-toolkit setting"));
}

TEST_CASE("bad values are refused with their field", "[web_config]") {
  const Files files;
  const std::string base = "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n";
  CHECK_THAT(error_in(files, base + "  min_version: TLS11\n"),
             Catch::Contains("web.yml:4:16: tls_server_config.min_version: \"TLS11\" is not "
                             "supported"));
  CHECK_THAT(error_in(files, base + "  min_version: 1.3\n"),
             Catch::Contains("\"1.3\" is not a TLS version"));
  CHECK_THAT(error_in(files, base + "  client_auth_type: RequireAndVerifyClientCerts\n"),
             Catch::Contains("tls_server_config.client_auth_type: \"RequireAndVerifyClientCerts\" "
                             "is not a client_auth_type (did you mean "
                             "\"RequireAndVerifyClientCert\"?)"));
  CHECK_THAT(error_in(files, "tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n"),
             Catch::Contains("web.yml:2:14: tls_server_config.cert_file: cannot read"));
  CHECK_THAT(error_in(files, "tls_server_config:\n  cert_file: [a, b]\n  key_file: key.pem\n"),
             Catch::Contains("tls_server_config.cert_file: expected a single value, got a list"));
  CHECK_THAT(error_in(files, "tls_server_config: yes\n"),
             Catch::Contains("web.yml:1:20: tls_server_config: expected a map"));
  CHECK_THAT(error_in(files, "tls_server_config: [\n"), Catch::Contains("invalid YAML"));
}

TEST_CASE("TLS needs a certificate and key, and client auth its CA", "[web_config]") {
  const Files files;
  CHECK_THAT(error_in(files, "tls_server_config:\n  cert_file: cert.pem\n"),
             Catch::Contains("tls_server_config: key_file is required for TLS"));
  CHECK_THAT(error_in(files, "tls_server_config:\n  key_file: key.pem\n"),
             Catch::Contains("tls_server_config: cert_file is required for TLS"));
  CHECK_THAT(error_in(files,
                      "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
                      "  client_auth_type: VerifyClientCertIfGiven\n"),
             Catch::Contains("web.yml:4:21: tls_server_config.client_auth_type: "
                             "VerifyClientCertIfGiven needs client_ca_file"));
  CHECK_THAT(error_in(files,
                      "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
                      "  client_ca_file: ca.pem\n"),
             Catch::Contains("client_ca_file is set but client_auth_type is NoClientCert"));
}

TEST_CASE("users need bcrypt hashes, and a wrong one is never shown", "[web_config]") {
  const Files files;
  const std::string plain = error_in(files, "basic_auth_users:\n  alice: hunter2\n");
  CHECK_THAT(plain,
             Catch::Contains("web.yml:2:10: basic_auth_users.alice: expected a bcrypt hash"));
  CHECK_THAT(plain, !Catch::Contains("hunter2"));
  // A sha-512 crypt hash, a bcrypt hash cut short, a cost out of range.
  for (const std::string& hash :
       {std::string("$6$salt$abcdefghijklmnopqrstuvwxyz"), kHash.substr(0, 59),
        "$2b$99$" + kHash.substr(7), "$2x$04$" + kHash.substr(7)}) {
    CHECK_THAT(error_in(files, "basic_auth_users:\n  alice: '" + hash + "'\n"),
               Catch::Contains("expected a bcrypt hash"));
  }
  for (const std::string variant : {"$2y$", "$2a$", "$2b$"}) {
    const WebConfig config =
        parse_in(files, "basic_auth_users:\n  alice: '" + variant + kHash.substr(4) + "'\n");
    CHECK(config.basic_auth_users.size() == 1);
  }
  CHECK_THAT(error_in(files, "basic_auth_users:\n  'a:b': " + kHash + "\n"),
             Catch::Contains("a user name must be non-empty, without ':'"));
  CHECK_THAT(error_in(files, "basic_auth_users:\n  a: " + kHash + "\n  a: " + kHash + "\n"),
             Catch::Contains("duplicate user \"a\""));
  CHECK_THAT(error_in(files, "basic_auth_users: [a]\n"),
             Catch::Contains("expected a map of user names to bcrypt hashes"));
}

TEST_CASE("a missing web config file names itself", "[web_config]") {
  const Files files;
  const std::string path = (files.dir.path() / "absent.yml").string();
  try {
    load_web_config_file(path);
    FAIL("a missing file was accepted");
  } catch (const ConfigError& error) {
    CHECK_THAT(error.what(), Catch::StartsWith(path + ": cannot read the web config"));
  }
}
