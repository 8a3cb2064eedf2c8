// The port's TLS settings from the web config, applied to the OpenSSL context CivetWeb creates.
#include "web/tls_setup.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

namespace epsitter {
namespace {

// The reasons OpenSSL queued, oldest first; the queue is left empty.
std::string openssl_reason() {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    if (!reason.empty()) reason += "; ";
    reason += text.data();
  }
  return reason.empty() ? "unknown OpenSSL error" : reason;
}

[[noreturn]] void fail(const WebConfigPath& file, const std::string& what) {
  throw std::runtime_error(file.where + ": " + what + ": " + openssl_reason());
}

// RequestClientCert and RequireAnyClientCert take whatever certificate comes, as Go does.
int accept_any_certificate(int /*preverified*/, X509_STORE_CTX* /*chain*/) {
  return 1;
}

void configure_client_auth(SSL_CTX* context, const TlsServerConfig& tls) {
  if (tls.client_ca_file) {
    const WebConfigPath& ca = *tls.client_ca_file;
    if (SSL_CTX_load_verify_locations(context, ca.path.c_str(), nullptr) != 1) {
      fail(ca, "cannot load the client CA certificates");
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.path.c_str());
    if (names == nullptr) fail(ca, "no client CA certificate in the file");
    SSL_CTX_set_client_CA_list(context, names);  // takes ownership
  }
  constexpr int kRequire = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  switch (tls.client_auth) {
    case ClientAuth::no_client_cert:
      SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::request_client_cert:
      SSL_CTX_set_verify(context, SSL_VERIFY_PEER, accept_any_certificate);
      break;
    case ClientAuth::require_any_client_cert:
      SSL_CTX_set_verify(context, kRequire, accept_any_certificate);
      break;
    case ClientAuth::verify_client_cert_if_given:
      SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::require_and_verify_client_cert:
      SSL_CTX_set_verify(context, kRequire, nullptr);
      break;
  }
}

}  // namespace

void configure_tls(void* ssl_ctx, const TlsServerConfig& tls) {
  auto* context = static_cast<SSL_CTX*>(ssl_ctx);
  ERR_clear_error();
  const int version = tls.min_version == TlsMinVersion::tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(context, version) != 1) {
    throw std::runtime_error("cannot set the minimum TLS version: " + openssl_reason());
  }
  if (SSL_CTX_use_certificate_chain_file(context, tls.cert_file.path.c_str()) != 1) {
    fail(tls.cert_file, "cannot load the certificate");
  }
  if (SSL_CTX_use_PrivateKey_file(context, tls.key_file.path.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail(tls.key_file, "cannot load the private key");
  }
  if (SSL_CTX_check_private_key(context) != 1) {
    fail(tls.key_file, "the key does not match the certificate of cert_file");
  }
  configure_client_auth(context, tls);
  // Resumed sessions of verified clients need a context id, or OpenSSL fails the handshake.
  // CivetWeb sets one only when it configures the context itself, which it leaves to us.
  static constexpr unsigned char kSessionContext[] = "epsitter";
  SSL_CTX_set_session_id_context(context, kSessionContext, sizeof kSessionContext - 1);
}

void check_tls(const TlsServerConfig& tls) {
  const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_server_method()),
                                                                  SSL_CTX_free);
  if (!context) throw std::runtime_error("cannot create a TLS context: " + openssl_reason());
  configure_tls(context.get(), tls);
}

}  // namespace epsitter
