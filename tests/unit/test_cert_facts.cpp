// Unit tests for reading a served chain's facts, against certificates made here with OpenSSL.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "probe/cert_facts.hpp"
#include "probe/served_chain.hpp"

using epsitter::CertFacts;
using epsitter::facts_of_chain;
using epsitter::ServedChain;

namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct ExtensionDeleter {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

constexpr std::int64_t kNow = 1'800'000'000;

const Key& signing_key() {
  static const Key key{EVP_EC_gen("P-256")};
  return key;
}

struct Spec {
  std::string common_name;
  std::string issuer_name = "Example CA";
  long serial = 0x0a1b2c;
  std::int64_t not_after = kNow + 86400;
  std::string san;  // e.g. "DNS:a.example,IP:127.0.0.1"
  int units = 0;    // organizational units of 60 bytes each, for a long subject
};

Cert make_cert(const Spec& spec) {
  Cert cert{X509_new()};
  REQUIRE(cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after));
  const auto add = [](X509_NAME* name, const char* field, const std::string& value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  };
  X509_NAME* subject = X509_get_subject_name(cert.get());
  add(subject, "O", "Example");
  for (int i = 0; i < spec.units; ++i) add(subject, "OU", std::string(60, 'u'));
  add(subject, "CN", spec.common_name);
  X509_NAME* issuer = X509_get_issuer_name(cert.get());
  add(issuer, "CN", spec.issuer_name);
  if (!spec.san.empty()) {
    const std::unique_ptr<X509_EXTENSION, ExtensionDeleter> extension{
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, spec.san.c_str())};
    REQUIRE(extension);
    X509_add_ext(cert.get(), extension.get(), -1);
  }
  X509_set_pubkey(cert.get(), signing_key().get());
  REQUIRE(X509_sign(cert.get(), signing_key().get(), EVP_sha256()) > 0);
  return cert;
}

std::string sha256_of_der(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  REQUIRE(length > 0);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string hex;
  for (unsigned int i = 0; i < digest_length; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[digest[i] >> 4U];
    hex += kHex[digest[i] & 0xFU];
  }
  return hex;
}

}  // namespace

TEST_CASE("the leaf's names, serial, fingerprint and DNS names are read") {
  const Cert leaf = make_cert({"leaf.example", "Example CA", 0x0a1b2c, kNow + 86400,
                               "DNS:a.example,IP:127.0.0.1,DNS:b.example"});
  const std::optional<CertFacts> facts = facts_of_chain({leaf.get()});
  REQUIRE(facts);
  CHECK(facts->subject == "CN=leaf.example,O=Example");
  CHECK(facts->issuer == "CN=Example CA");
  CHECK(facts->serial == "0a1b2c");
  CHECK(facts->fingerprint_sha256 == sha256_of_der(leaf.get()));
  CHECK(facts->fingerprint_sha256.size() == 64);
  CHECK(facts->dns_names == "a.example,b.example");  // the IP address is not a DNS name
  CHECK(facts->leaf_not_after == kNow + 86400);
  CHECK(facts->chain_not_after == kNow + 86400);
}

TEST_CASE("the chain expires with its earliest certificate, the leaf with its own") {
  const Cert leaf = make_cert({"leaf", "Intermediate", 1, kNow + 60 * 86400, ""});
  const Cert intermediate = make_cert({"Intermediate", "Root", 2, kNow + 3 * 86400, ""});
  const Cert root = make_cert({"Root", "Root", 3, kNow + 365 * 86400, ""});
  const std::optional<CertFacts> facts =
      facts_of_chain({leaf.get(), intermediate.get(), root.get()});
  REQUIRE(facts);
  CHECK(facts->leaf_not_after == kNow + 60 * 86400);
  CHECK(facts->chain_not_after == kNow + 3 * 86400);
  CHECK(facts->issuer == "CN=Intermediate");
  CHECK(facts->dns_names.empty());
}

TEST_CASE("whatever a peer sends, the facts stay bounded") {
  std::string san;
  for (int i = 0; i < 30; ++i) san += (i > 0 ? ",DNS:n" : "DNS:n") + std::to_string(i) + ".example";
  // A name may be far longer than any one field: OpenSSL bounds each field, not their number.
  const Cert leaf = make_cert({std::string(60, 'x'), std::string(60, 'y'), 1, kNow, san, 10});
  std::vector<const X509*> chain{leaf.get()};
  std::vector<Cert> more;
  for (int i = 0; i < 11; ++i) more.push_back(make_cert({"ca", "ca", 2, kNow + 1000 + i, ""}));
  // Only the first 10 certificates count: the 12th, which expires first, is not looked at.
  more.push_back(make_cert({"late", "late", 3, kNow - 5000, ""}));
  for (const Cert& cert : more) chain.push_back(cert.get());
  const std::optional<CertFacts> facts = facts_of_chain(chain);
  REQUIRE(facts);
  CHECK(facts->subject.size() == epsitter::kMaxFactBytes);
  CHECK(facts->subject.rfind("CN=xxx", 0) == 0);
  std::size_t names = 1;
  for (char c : facts->dns_names) names += c == ',' ? 1 : 0;
  CHECK(names == epsitter::kMaxDnsNames);
  CHECK(facts->dns_names.size() <= epsitter::kMaxFactBytes);
  CHECK(facts->chain_not_after == kNow);
}

TEST_CASE("an empty chain has no facts") {
  CHECK_FALSE(facts_of_chain({}));
}

TEST_CASE("the served chain keeps its own references, leaf first, at most 10") {
  const Cert leaf = make_cert({"leaf", "ca", 1, kNow, ""});
  std::vector<Cert> sent;
  const std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted{sk_X509_new_null()};
  sk_X509_push(untrusted.get(), leaf.get());  // OpenSSL's untrusted list holds the leaf too
  for (int i = 0; i < 12; ++i) {
    sent.push_back(make_cert({"ca" + std::to_string(i), "ca", 2, kNow, ""}));
    sk_X509_push(untrusted.get(), sent.back().get());
  }
  ServedChain chain;
  CHECK(chain.empty());
  chain.replace(leaf.get(), untrusted.get());
  std::vector<const X509*> view = chain.view();
  REQUIRE(view.size() == epsitter::kMaxChainCertificates);
  CHECK(view[0] == leaf.get());
  CHECK(view[1] == sent[0].get());
  sent.clear();  // the chain's own references keep what it holds alive
  const std::optional<CertFacts> facts = facts_of_chain(chain.view());
  REQUIRE(facts);
  CHECK(facts->subject == "CN=leaf,O=Example");
  CHECK_FALSE(chain.peer_sent_fatal_alert());
  chain.note_fatal_alert();
  CHECK(chain.peer_sent_fatal_alert());
}
