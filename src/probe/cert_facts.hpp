// What a served certificate chain says about itself: the leaf's names, serial and fingerprint, and
// when the leaf and the whole chain expire. Every value is bounded, whatever the peer sent.
#pragma once

#include <openssl/types.h>  // X509, without the rest of OpenSSL

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace epsitter {

inline constexpr std::size_t kMaxChainCertificates = 10;  // more are not looked at
inline constexpr std::size_t kMaxFactBytes = 256;         // each string fact is cut there
inline constexpr std::size_t kMaxDnsNames = 20;           // SANs beyond these are left out

struct CertFacts {
  std::string subject;                          // RFC 2253 one-line form
  std::string issuer;                           // RFC 2253 one-line form
  std::string serial;                           // lowercase hex
  std::string fingerprint_sha256;               // lowercase hex of SHA-256 over the DER encoding
  std::string dns_names;                        // the DNS subjectAltNames, comma-joined
  std::optional<std::int64_t> leaf_not_after;   // Unix s
  std::optional<std::int64_t> chain_not_after;  // earliest notAfter of the chain, Unix s

  friend bool operator==(const CertFacts& a, const CertFacts& b) {
    return a.subject == b.subject && a.issuer == b.issuer && a.serial == b.serial &&
           a.fingerprint_sha256 == b.fingerprint_sha256 && a.dns_names == b.dns_names &&
           a.leaf_not_after == b.leaf_not_after && a.chain_not_after == b.chain_not_after;
  }
  friend bool operator!=(const CertFacts& a, const CertFacts& b) { return !(a == b); }
};

// The facts of `chain`, leaf first as a server sends it (at most kMaxChainCertificates are read);
// nullopt for an empty chain.
std::optional<CertFacts> facts_of_chain(const std::vector<const X509*>& chain);

}  // namespace epsitter
