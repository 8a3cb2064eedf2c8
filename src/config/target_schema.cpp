// Every per-target option, declared once (see target_schema.hpp).
#include "config/target_schema.hpp"

#include <algorithm>

namespace epsitter {
namespace {

using R = FieldReader;
using A = FromAnnotation;

// clang-format off
const std::vector<TargetField> kSchema{
    {"namespace", R::request, false, A::never, true, "",
     "the `namespace` label; default `Unknown` (the original tool's). A discovered target's is its object's."},
    {"url", R::request, false, A::never, false, "",
     "required; `http://` or `https://`. Credentials in it (`https://user:pass@host/`, percent-encoded) are sent as basic auth and never shown in labels, logs or errors."},
    {"timeout", R::request, false, A::allowed, true, "",
     "seconds for the whole request, connect to last byte (fractional, at most 3600); default `REQUEST_TIMEOUT`."},
    {"auth_user", R::request, false, A::never, false, "",
     "HTTP basic auth user."},
    {"auth_pass", R::request, false, A::never, false, "auth_pass_file",
     "HTTP basic auth password."},
    {"method", R::request, false, A::allowed, false, "",
     "get, post, put, patch, delete, head, options in any case, sent upper case; default `get`. The `method` label is the method as written (`post`, `Get`), `get` when unset, as the original tool's."},
    {"payload", R::request, true, A::allowed, false, "payload_file",
     "a map is sent as a form (`application/x-www-form-urlencoded` unless `headers` sets a `Content-Type`), encoded exactly as Python requests' `data=`: values as Python printed what PyYAML typed (`yes` is `True`, `1.50` is `1.5`), a list repeats its key, `null` values are left out. A single value is sent as it is, without a `Content-Type`. A nested map or a list is an error: use `json`."},
    {"headers", R::request, true, A::allowed, false, "",
     "a map of headers sent as given. Every request carries `User-Agent: epsitter/VERSION` unless a `User-Agent` is set here."},
    {"json", R::request, true, A::allowed, false, "",
     "any value sent as a JSON body (`Content-Type: application/json` unless `headers` sets one), typed as PyYAML typed it (`true`, `3`, `null`; quoted strings stay strings). Not together with `payload`."},
    {"secret_headers", R::request, true, A::never, false, "",
     "a list of names of `headers` (any case) that, like credentials, go only to the URL's own origin (scheme, host and port): a redirect elsewhere drops them. Credentials are always dropped there; every header of a discovered target is secret."},
    {"interval", R::connection, false, A::by_default, true, "",
     "seconds between two probes of this target (fractional, at most 86400); default `POLL_INTERVAL`. A discovered target's is at least `kubernetes.min_interval`."},
    {"follow_redirects", R::connection, false, A::allowed, true, "",
     "`true` (default) follows up to 10 redirects (301, 302, 303, 307, 308); `false` makes a 3xx the final response. A 303, and a 301 or 302 after a POST, turns the request into a GET without body; 307 and 308 keep method and body. A cookie a response sets goes on the next hops of the same probe where RFC 6265 sends it (by host, Domain and Path, not port; `Secure` only over https or to loopback), in one `Cookie` header with any `Cookie` of `headers`; every probe starts with no cookies."},
    {"keepalive", R::connection, false, A::allowed, true, "",
     "`false` (default): a fresh connection per probe, so connect and TLS time are measured. `true` lets libcurl reuse a connection between probes."},
    {"ip_version", R::connection, false, A::allowed, true, "",
     "`any` (default), `4` or `6`: the address family used to connect."},
    {"expect_status", R::expectation, true, A::by_default, true, "",
     "a code, a class or a list of both: `200`, `\"2xx\"`, `[200, 301, \"4xx\"]`; default `2xx`."},
    {"expect_body", R::expectation, false, A::by_default, true, "",
     "a regular expression ([RE2 syntax](https://github.com/google/re2/wiki/Syntax)) that must match somewhere in the body."},
    {"expect_body_absent", R::expectation, false, A::allowed, true, "",
     "a regular expression that must not match anywhere in the body."},
    {"expect_headers", R::expectation, true, A::allowed, true, "",
     "a map of header name (any case) to regular expression: the header must be present and one of its values must match."},
    {"expect_json", R::expectation, true, A::by_default, true, "",
     "a map of dotted path to expected value: `status: UP`, `checks.0.state: ok`, `count: 3`. A number in the path indexes an array; `\\.` is a dot inside a key. Values are compared with their YAML type (`3` is a number, `\"3\"` a string; `3` equals `3.0`). A value may instead be one operator: `{exists: true}`, `{gt: 0}` (`ge`, `lt`, `le`; numbers only), `{in: [UP, OK]}` (at most 1000 values), `{matches: '^v2\\.'}` (RE2, strings only), `{length: 3}` (array, object, or string in code points), `{eq: {a: 1}}` (an object). A `*` segment (`items.*.state`) requires every element to match; an empty array passes. See [expect_json operators](#expect_json-operators)."},
    {"max_response_time", R::expectation, false, A::by_default, true, "",
     "seconds; a slower probe fails as `slow`."},
    {"min_cert_days", R::expectation, false, A::by_default, true, "",
     "days; fails as `cert_expiring` when a certificate of the served chain expires sooner. Checked when the final response came over TLS."},
    {"auth_pass_file", R::request, false, A::never, false, "auth_pass",
     "read the basic-auth password from this file (instead of `auth_pass`); re-read on every reload."},
    {"bearer_token", R::request, false, A::never, false, "bearer_token_file",
     "send `Authorization: Bearer TOKEN`. Not together with `auth_user` or an `Authorization` header."},
    {"bearer_token_file", R::request, false, A::never, false, "bearer_token",
     "the bearer token from this file (instead of `bearer_token`); re-read on every reload."},
    {"oauth2", R::request, true, A::never, false, "",
     "a map: get a bearer token by OAuth 2.0 client credentials (RFC 6749 4.4) and send it as `Authorization: Bearer`. `token_url` (http(s), no credentials in it), `client_id`, `client_secret` or `client_secret_file` (re-read on every reload), `scopes` (a list), `endpoint_params` (or `params`: a map of extra form fields). Targets with equal settings share one cached token; a 401 refreshes it once. A failure to get one fails the probe as `oauth2`. Not together with `auth_user`, `bearer_token` or an `Authorization` header."},
    {"ca_file", R::connection, false, A::never, true, "",
     "PEM file of the CAs that verify the server (default: the system's)."},
    {"cert_file", R::connection, false, A::never, false, "",
     "client certificate (PEM) for mutual TLS; it may hold the key too."},
    {"key_file", R::connection, false, A::never, false, "",
     "the client certificate's key (PEM)."},
    {"insecure_skip_verify", R::connection, false, A::allowed, false, "",
     "`true` accepts any server certificate (expiry is still reported)."},
    {"server_name", R::connection, false, A::allowed, false, "",
     "the host name presented (SNI, `Host`, and the name the certificate must carry) while connecting to the URL's host and port (libcurl's connect-to)."},
    {"proxy", R::connection, false, A::never, false, "",
     "proxy URL (`http://`, `https://`, `socks4://`, `socks5://`, `socks5h://`). Without it libcurl honours `http_proxy`, `https_proxy` and `no_proxy` from the environment."},
    {"no_proxy", R::connection, true, A::never, false, "",
     "hosts reached directly: comma-separated text or a list."},
    {"body_limit", R::connection, false, A::allowed, true, "",
     "bytes of the body read at most (default 1048576; at most 1 GiB, 16 MiB from an annotation); the rest is not downloaded."},
    {"max_body_size", R::connection, false, A::allowed, true, "",
     "bytes (like blackbox_exporter's `body_size_limit`): a response body longer than this fails the probe as `body_too_large`, and reading stops at its first byte past the limit. At least 1 and at most the target's `body_limit`. Without it a longer body is cut at `body_limit` and the probe goes on. Every response of a redirect chain is held to it."},
    {"payload_file", R::request, false, A::never, false, "payload",
     "the request body: the bytes of this file as they are (at most 1 MiB), without a `Content-Type` (set one in `headers`). Not together with `payload` or `json`; re-read on every reload, and a change to the file reloads the target."},
    {"compression", R::expectation, false, A::allowed, true, "",
     "`gzip`, `br`, `deflate` or `identity` (like blackbox_exporter's): sent as `Accept-Encoding`; the body is decoded before `body_limit`, `max_body_size` and the `expect_*` checks see it, so a small compressed body that decodes to more stops at the limit. A response whose `Content-Encoding` is not this coding (for `identity`: any coding) fails as `compression`. `sitter_response_size_bytes` stays the size as sent, `sitter_response_uncompressed_size_bytes` the decoded size."},
    {"expect_headers_absent", R::expectation, true, A::allowed, true, "",
     "a map of header name (any case) to regular expression: fails as `header` when a value of that header matches."},
    {"expect_http_version", R::expectation, true, A::allowed, true, "",
     "an HTTP version or a list: `1.0`, `1.1`, `2`, `3` (`\"HTTP/1.1\"`, `\"HTTP/2.0\"` as blackbox_exporter writes them, too); the final response's version must be one of them, else the probe fails as `http_version`."},
    {"expect_tls", R::expectation, false, A::allowed, true, "",
     "`true` fails the probe as `tls_expectation` when the final response did not come over TLS, `false` when it did (blackbox_exporter's `fail_if_not_ssl`, `fail_if_ssl`)."},
    {"tls_min_version", R::connection, false, A::allowed, true, "",
     "`1.0`, `1.1`, `1.2` or `1.3` (or `TLS12`, ...): the lowest TLS version offered; a server that cannot go as high fails the handshake (`tls`). Not above `tls_max_version`."},
    {"tls_max_version", R::connection, false, A::allowed, true, "",
     "`1.0` to `1.3`: the highest TLS version offered."},
    {"http2", R::connection, false, A::allowed, true, "",
     "`true` (default): HTTP/2 is offered over TLS (ALPN) and used when the server agrees; `false` keeps to HTTP/1.1."},
    {"labels", R::label, true, A::allowed, true, "",
     "a map of extra labels for `sitter_target_info`: Prometheus label names; `name`, `namespace`, `method`, `url`, `status`, `error`, `reason`, `phase`, `version`, `le`, `quantile` and `__*` are reserved."},
};
// clang-format on

}  // namespace

const std::vector<TargetField>& target_schema() {
  return kSchema;
}

const TargetField* find_target_field(std::string_view name) {
  const auto found = std::find_if(kSchema.begin(), kSchema.end(),
                                  [name](const TargetField& field) { return field.name == name; });
  return found == kSchema.end() ? nullptr : &*found;
}

}  // namespace epsitter
