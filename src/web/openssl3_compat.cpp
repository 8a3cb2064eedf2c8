// Lets Debian's CivetWeb speak TLS on bookworm: it looks for an OpenSSL 1.1 function by name.
//
// Debian built CivetWeb 1.15 for the OpenSSL 1.1 API (its CMake default). At start it dlopen()s
// "libssl.so" and "libcrypto.so" and looks up every function it uses; one of them,
// SSL_get_peer_certificate, is only a macro in OpenSSL 3 (for SSL_get1_peer_certificate), so the
// lookup fails and so does every HTTPS port ("load_tls_dll: libssl.so: cannot find
// SSL_get_peer_certificate").
//
// The executable is linked with the SONAME "libssl.so" (see src/meson.build): the dynamic loader
// then answers CivetWeb's dlopen("libssl.so") with the executable itself, whose lookup scope is
// the executable and the libraries it links, OpenSSL 3's libssl.so.3 among them. So every function
// CivetWeb asks for is found there, and this one here. Both return the certificate with a
// reference the caller frees, so the one forwards to the other. "libcrypto.so" is still opened from
// disk (libssl-dev, or a symlink to libcrypto.so.3).
//
// No OpenSSL header here: it would rename this very definition to SSL_get1_peer_certificate.

extern "C" {

struct ssl_st;
struct x509_st;

x509_st* SSL_get1_peer_certificate(const ssl_st* ssl);

__attribute__((visibility("default"))) x509_st* SSL_get_peer_certificate(const ssl_st* ssl) {
  return SSL_get1_peer_certificate(ssl);
}
}
