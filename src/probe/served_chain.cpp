// Records the served certificate chain from an OpenSSL verify callback libcurl lets us install.
#include "probe/served_chain.hpp"

#include <openssl/ssl.h>

#include <algorithm>

#include "probe/cert_facts.hpp"

namespace epsitter {
namespace {

using ChainShare = std::shared_ptr<ServedChain>;

// Frees the share an SSL_CTX holds when libcurl frees the context (its connection closed).
void free_share(void* /*parent*/, void* share, CRYPTO_EX_DATA* /*data*/, int /*index*/,
                long /*argl*/, void* /*argp*/) {
  std::unique_ptr<ChainShare> owned{static_cast<ChainShare*>(share)};
}

// The SSL_CTX slot for our share: one index for the process, fixed at first use (a constant,
// not mutable state; OpenSSL hands it out thread-safely and C++ initialises it once).
int share_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_share);
  return index;
}

const ChainShare* share_of(const SSL* ssl) {
  return static_cast<const ChainShare*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), share_index()));
}

int record_and_pass(int preverified, X509_STORE_CTX* store) {
  const auto* ssl = static_cast<const SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr) {
    const ChainShare* share = share_of(ssl);
    if (share != nullptr && *share) {
      (*share)->replace(X509_STORE_CTX_get0_cert(store), X509_STORE_CTX_get0_untrusted(store));
    }
  }
  return preverified;  // OpenSSL's verdict, unchanged
}

// An alert's level is the high byte of `value`.
void note_alert(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_READ_ALERT) == 0 || (value >> 8) != SSL3_AL_FATAL) return;
  const ChainShare* share = share_of(ssl);
  if (share != nullptr && *share) (*share)->note_fatal_alert();
}

CURLcode install_callbacks(CURL* /*easy*/, void* ssl_ctx, void* user) {
  auto* context = static_cast<SSL_CTX*>(ssl_ctx);
  const int index = share_index();
  if (index < 0) return CURLE_OK;  // no facts then, but the probe runs as before
  auto share = std::make_unique<ChainShare>(*static_cast<ChainShare*>(user));
  if (SSL_CTX_set_ex_data(context, index, share.get()) != 1) return CURLE_OK;
  share.release();  // the context owns it now and frees it through free_share
  SSL_CTX_set_verify(context, SSL_CTX_get_verify_mode(context), record_and_pass);
  SSL_CTX_set_info_callback(context, note_alert);
  return CURLE_OK;
}

}  // namespace

void ServedChain::replace(const X509* leaf, const STACK_OF(X509) * untrusted) {
  // The callback runs once per certificate of a chain: the same chain is not taken again.
  if (leaf != nullptr && !certificates_.empty() && certificates_.front().get() == leaf) return;
  certificates_.clear();
  const auto keep = [this](const X509* certificate) {
    if (certificate == nullptr || certificates_.size() >= kMaxChainCertificates) return;
    auto* mutable_certificate = const_cast<X509*>(certificate);  // only its count changes
    if (X509_up_ref(mutable_certificate) == 1) certificates_.emplace_back(mutable_certificate);
  };
  keep(leaf);
  const int count = untrusted == nullptr ? 0 : sk_X509_num(untrusted);
  for (int i = 0; i < count; ++i) {
    const X509* certificate = sk_X509_value(untrusted, i);
    if (certificate != leaf) keep(certificate);
  }
}

std::vector<const X509*> ServedChain::view() const {
  std::vector<const X509*> chain(certificates_.size());
  std::transform(certificates_.begin(), certificates_.end(), chain.begin(),
                 [](const auto& certificate) { return certificate.get(); });
  return chain;
}

bool record_served_chain(CURL* easy, std::shared_ptr<ServedChain>& chain) {
  if (!chain) chain = std::make_shared<ServedChain>();
  return curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, install_callbacks) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, &chain) == CURLE_OK;
}

}  // namespace epsitter
