// The port's TLS settings from the web config, applied to the OpenSSL context CivetWeb creates.
#pragma once

#include "config/web_config.hpp"

namespace epsitter {

// Sets `ssl_ctx` (an SSL_CTX*, which CivetWeb hands to its init_ssl callback; Debian's CivetWeb
// loads the same libssl that we link) up from `tls`: certificate chain and key, minimum version,
// client certificates as client_auth_type says (with client_ca_file both as the trust store and as
// the list of CAs sent to clients). Throws std::runtime_error that names the web config's line and
// field of the file that failed, with OpenSSL's reason.
void configure_tls(void* ssl_ctx, const TlsServerConfig& tls);

// The same on a context of its own, thrown away after: the check at start (and --check-config),
// so that a key that does not match its certificate is a config error before the port opens.
void check_tls(const TlsServerConfig& tls);

}  // namespace epsitter
