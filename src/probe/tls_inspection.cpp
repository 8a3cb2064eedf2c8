// Reads what TLS looked like on a live libcurl connection: protocol version, certificate expiry.
#include "probe/tls_inspection.hpp"

#include <openssl/asn1.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>

namespace epsitter {
namespace {

std::optional<std::int64_t> not_after(const X509* certificate) {
  const ASN1_TIME* time = X509_get0_notAfter(certificate);
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts));  // notAfter is UTC
}

// The earliest expiry of any certificate the server sent: the chain breaks when the first one does.
std::optional<std::int64_t> earliest_not_after(const SSL* ssl) {
  std::optional<std::int64_t> earliest;
  const auto consider = [&earliest](const X509* certificate) {
    const std::optional<std::int64_t> expiry = not_after(certificate);
    if (expiry && (!earliest || *expiry < *earliest)) earliest = expiry;
  };
  // On the client side the chain starts with the server's own certificate.
  if (const STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) consider(sk_X509_value(chain, i));
  }
  if (!earliest) {
    if (const X509* leaf = SSL_get0_peer_certificate(ssl)) consider(leaf);
  }
  return earliest;
}

}  // namespace

std::optional<TlsSnapshot> inspect_tls(CURL* easy) {
  const curl_tlssessioninfo* session = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK || session == nullptr ||
      session->backend != CURLSSLBACKEND_OPENSSL || session->internals == nullptr) {
    return std::nullopt;
  }
  const auto* ssl = static_cast<const SSL*>(session->internals);
  return TlsSnapshot{SSL_get_version(ssl), earliest_not_after(ssl)};
}

}  // namespace epsitter
