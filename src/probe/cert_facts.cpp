// What a served certificate chain says about itself, read with OpenSSL and bounded in size.
#include "probe/cert_facts.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>

#include "text/ascii.hpp"

namespace epsitter {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct OpensslTextDeleter {
  void operator()(char* text) const { OPENSSL_free(text); }
};
struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string capped(std::string text) {
  if (text.size() > kMaxFactBytes) text.resize(kMaxFactBytes);
  return text;
}

std::optional<std::int64_t> not_after(const X509* certificate) {
  const ASN1_TIME* time = X509_get0_notAfter(certificate);
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts));  // notAfter is UTC
}

std::string one_line(const X509_NAME* name) {
  const std::unique_ptr<BIO, BioDeleter> bio{BIO_new(BIO_s_mem())};
  if (!bio || name == nullptr || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    return {};
  }
  // Only the first bytes are read out of the BIO, however long a name the peer made up.
  std::array<char, kMaxFactBytes> text{};
  const int read = BIO_read(bio.get(), text.data(), static_cast<int>(text.size()));
  return read > 0 ? std::string{text.data(), static_cast<std::size_t>(read)} : std::string{};
}

std::string serial_of(const X509* certificate) {
  const std::unique_ptr<BIGNUM, BignumDeleter> number{
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr)};
  if (!number) return {};
  const std::unique_ptr<char, OpensslTextDeleter> hex{BN_bn2hex(number.get())};
  return hex ? capped(text::to_lower_ascii(hex.get())) : std::string{};
}

std::string fingerprint_of(const X509* certificate) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest.data(), &length) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4U];
    hex += kHex[digest[i] & 0xFU];
  }
  return hex;
}

std::string dns_names_of(const X509* certificate) {
  const std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names{static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr))};
  if (!names) return {};
  std::string joined;
  std::size_t taken = 0;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()) && taken < kMaxDnsNames; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    const auto length = static_cast<std::size_t>(std::max(0, ASN1_STRING_length(dns)));
    std::string value{reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                      std::min(length, kMaxFactBytes)};
    // A DNS name is ASCII; anything else a peer put there must not make the exposition invalid
    // UTF-8 (the subject and issuer come escaped by X509_NAME_print_ex already).
    for (char& c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte > 0x7e) c = '?';
    }
    if (taken++ > 0) joined += ',';
    joined += value;
    if (joined.size() >= kMaxFactBytes) break;
  }
  return capped(std::move(joined));
}

}  // namespace

std::optional<CertFacts> facts_of_chain(const std::vector<const X509*>& chain) {
  if (chain.empty() || chain.front() == nullptr) return std::nullopt;
  const X509* leaf = chain.front();
  CertFacts facts;
  facts.subject = one_line(X509_get_subject_name(leaf));
  facts.issuer = one_line(X509_get_issuer_name(leaf));
  facts.serial = serial_of(leaf);
  facts.fingerprint_sha256 = fingerprint_of(leaf);
  facts.dns_names = dns_names_of(leaf);
  facts.leaf_not_after = not_after(leaf);
  // The chain breaks when its first certificate does.
  const std::size_t count = std::min(chain.size(), kMaxChainCertificates);
  for (std::size_t i = 0; i < count; ++i) {
    if (chain[i] == nullptr) continue;
    const std::optional<std::int64_t> expiry = not_after(chain[i]);
    if (expiry && (!facts.chain_not_after || *expiry < *facts.chain_not_after)) {
      facts.chain_not_after = expiry;
    }
  }
  return facts;
}

}  // namespace epsitter
