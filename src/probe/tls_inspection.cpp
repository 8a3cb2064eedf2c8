// Reads what TLS looked like on a live libcurl connection: protocol version, cipher, certificates.
#include "probe/tls_inspection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <vector>

namespace epsitter {
namespace {

// The certificates the server sent, leaf first. A resumed session keeps no chain, only the leaf.
std::vector<const X509*> served_chain(const SSL* ssl) {
  std::vector<const X509*> chain;
  if (const STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl)) {
    const int count = std::min(sk_X509_num(sent), static_cast<int>(kMaxChainCertificates));
    for (int i = 0; i < count; ++i) chain.push_back(sk_X509_value(sent, i));
  }
  if (chain.empty()) {
    if (const X509* leaf = SSL_get0_peer_certificate(ssl)) chain.push_back(leaf);
  }
  return chain;
}

}  // namespace

std::optional<TlsSnapshot> inspect_tls(CURL* easy) {
  const curl_tlssessioninfo* session = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK || session == nullptr ||
      session->backend != CURLSSLBACKEND_OPENSSL || session->internals == nullptr) {
    return std::nullopt;
  }
  const auto* ssl = static_cast<const SSL*>(session->internals);
  TlsSnapshot snapshot;
  snapshot.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    snapshot.cipher = std::string{SSL_CIPHER_get_name(cipher)}.substr(0, kMaxFactBytes);
  }
  snapshot.cert = facts_of_chain(served_chain(ssl));
  return snapshot;
}

}  // namespace epsitter
