// Keeps the certificates a server sent during the handshake's verification, so that their facts
// can be read even when verification fails and libcurl closes the connection; and notes a fatal
// TLS alert from the peer, which tells a refused client certificate from a reset connection.
#pragma once

#include <curl/curl.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

namespace epsitter {

struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

// The chain of the last verification seen on the transfer's connections: leaf first, at most
// kMaxChainCertificates, each certificate held by its own reference count.
class ServedChain {
 public:
  void replace(const X509* leaf, const STACK_OF(X509) * untrusted);
  std::vector<const X509*> view() const;
  bool empty() const { return certificates_.empty(); }
  void note_fatal_alert() { fatal_alert_ = true; }
  // Forgets what earlier connections saw (a new hop of a redirect chain starts).
  void clear() {
    certificates_.clear();
    fatal_alert_ = false;
  }
  bool peer_sent_fatal_alert() const { return fatal_alert_; }

 private:
  std::vector<std::unique_ptr<X509, X509Deleter>> certificates_;
  bool fatal_alert_ = false;
};

// Makes every TLS connection of `easy` record its served chain into `*chain` as OpenSSL verifies
// it, and the fatal alerts it reads. Verification itself is untouched: the callback returns
// OpenSSL's own verdict, so the verify mode libcurl chose (ca_file, insecure_skip_verify) decides
// as before. `chain` must outlive the transfer's configuration (it does: the Transfer owns both);
// each SSL_CTX keeps a share of it, because a kept-alive connection may outlive the transfer that
// opened it.
bool record_served_chain(CURL* easy, std::shared_ptr<ServedChain>& chain);

}  // namespace epsitter
