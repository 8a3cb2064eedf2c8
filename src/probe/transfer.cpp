// One probe's transfer: the libcurl options of each hop, the callbacks that bound what a response
// may hold, and the redirect chain followed hop by hop (the result is read in transfer_result.cpp).
#include "probe/transfer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>

#include "probe/curl_readings.hpp"
#include "probe/protocol_options.hpp"
#include "probe/redirects.hpp"
#include "probe/request_headers.hpp"
#include "probe/server_name.hpp"
#include "text/ascii.hpp"

namespace epsitter {

namespace {
constexpr long kMaxRedirects = 10;
// A response's header section may hold at most this much; a target that sends more (a flood of
// short lines that libcurl would keep one allocation each) is stopped and fails as
// `response_too_large`.
// Real responses stay far below: big cookies and security policies take a few KiB.
constexpr std::size_t kMaxHeaderLines = 256;
constexpr std::int64_t kMaxHeaderBytes = 64 * 1024;
// libcurl's receive buffer, allocated for each transfer as it connects: 16 KiB by default, most of
// what a transfer in flight holds. A probe's answer is mostly small, and a bigger body is read in
// more pieces; 1,000 hanging targets hold 12 MiB less.
constexpr long kReceiveBufferBytes = 4 * 1024;

// Keeps at most body_limit bytes (and only when asked to), then stops the transfer: the rest of
// the body is never downloaded, so a huge or endless body costs neither memory nor time. With
// max_body_size (never above body_limit) the first byte past it stops the transfer the same way,
// but fails the probe instead of cutting the body short.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::int64_t bound = transfer->max_body_size.value_or(transfer->body_limit);
  const auto room =
      static_cast<std::size_t>(std::max<std::int64_t>(0, bound - transfer->body_bytes));
  const std::size_t taken = std::min(bytes, room);
  if (transfer->keep_body) transfer->body.append(data, taken);
  transfer->body_bytes += static_cast<std::int64_t>(taken);
  if (taken < bytes) {
    (transfer->max_body_size ? transfer->body_too_large : transfer->body_truncated) = true;
    return 0;  // makes libcurl stop reading
  }
  return bytes;
}

// Called for every header line of every response (1xx included): a status line starts a new
// response, so what is kept is the final response's. A header section over the caps stops the
// transfer before libcurl stores more of it.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line{data, bytes};
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->headers.clear();
    transfer->content_encoding.clear();
    transfer->header_lines = 0;
    transfer->header_bytes = 0;
    transfer->inside_headers = true;
    // The connection is open now; without keepalive it is closed before the transfer returns.
    transfer->tls = inspect_tls(transfer->easy.get());
  }
  transfer->header_bytes += static_cast<std::int64_t>(bytes);
  if (line == "\r\n" || line == "\n") transfer->inside_headers = false;
  if (++transfer->header_lines > kMaxHeaderLines || transfer->header_bytes > kMaxHeaderBytes) {
    transfer->headers_too_large = true;
    return 0;  // makes libcurl stop reading
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  const std::string_view name = text::trim(line.substr(0, colon));
  const std::string_view value = text::trim(line.substr(colon + 1));
  if (text::equals_ignoring_case(name, "Content-Encoding")) {  // for `compression`; bounded above
    if (!transfer->content_encoding.empty()) transfer->content_encoding += ", ";
    transfer->content_encoding += value;
  }
  if (transfer->keep_headers) transfer->headers.emplace_back(std::string{name}, std::string{value});
  return bytes;
}

// Opens sockets as libcurl would, but keeps socket()'s errno: libcurl reports a failure for lack of
// descriptors only as "Couldn't connect to server", which sends the reader after the target.
curl_socket_t open_socket(void* user, curlsocktype /*purpose*/, curl_sockaddr* address) {
  const curl_socket_t sock = socket(address->family, address->socktype, address->protocol);
  if (sock == CURL_SOCKET_BAD) static_cast<Transfer*>(user)->socket_errno = errno;
  return sock;
}

long ip_resolve(int ip_version) {
  if (ip_version == 4) return CURL_IPRESOLVE_V4;
  if (ip_version == 6) return CURL_IPRESOLVE_V6;
  return CURL_IPRESOLVE_WHATEVER;
}

// Connection, TLS and proxy options. Returns false when libcurl refuses one.
bool configure_connection(CURL* easy, const ProbeRequest& request, Transfer& transfer) {
  bool ok = true;
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L));  // followed hop by hop (Transfer)
  set(curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, kReceiveBufferBytes));
  if (!request.keepalive) {
    // A fresh connection per probe, so that connect and TLS time are part of what is measured.
    set(curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L));
    set(curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L));
  }
  set(curl_easy_setopt(easy, CURLOPT_IPRESOLVE, ip_resolve(request.ip_version)));
  if (request.ca_file) set(curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file->c_str()));
  if (request.cert_file) set(curl_easy_setopt(easy, CURLOPT_SSLCERT, request.cert_file->c_str()));
  if (request.key_file) set(curl_easy_setopt(easy, CURLOPT_SSLKEY, request.key_file->c_str()));
  if (request.insecure_skip_verify) {
    set(curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L));
    set(curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L));
  }
  // Without one, libcurl keeps honouring the usual http_proxy/https_proxy/no_proxy variables.
  if (request.proxy) set(curl_easy_setopt(easy, CURLOPT_PROXY, request.proxy->c_str()));
  if (request.no_proxy) set(curl_easy_setopt(easy, CURLOPT_NOPROXY, request.no_proxy->c_str()));
  std::string url = request.url;
  if (request.server_name) {
    const std::optional<ServerNameRoute> route =
        route_to_server_name(request.url, *request.server_name);
    if (!route || !append(transfer.connect_to, route->connect_to.c_str())) return false;
    url = route->url;
    set(curl_easy_setopt(easy, CURLOPT_CONNECT_TO, transfer.connect_to.get()));
  }
  set(curl_easy_setopt(easy, CURLOPT_URL, url.c_str()));  // libcurl copies it
  return ok;
}

// What may differ from one hop to the next: method and body, credentials and secret headers (only
// to the first hop's origin), and the time left of the probe's timeout.
bool configure_hop(CURL* easy, const ProbeRequest& request, bool to_first_origin,
                   std::chrono::milliseconds time_left, Transfer& transfer) {
  bool ok = true;
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, std::max<long>(1, time_left.count())));
  // Null clears what an earlier hop set; credentials in a URL's userinfo go to that URL only.
  const char* user = nullptr;
  const char* password = nullptr;
  const char* token = nullptr;
  if (to_first_origin && request.auth_user) {
    set(curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC)));
    user = request.auth_user->c_str();
    password = request.auth_pass ? request.auth_pass->c_str() : "";
  } else if (to_first_origin && request.bearer_token) {
    set(curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER)));
    token = request.bearer_token->c_str();
  }
  set(curl_easy_setopt(easy, CURLOPT_USERNAME, user));
  set(curl_easy_setopt(easy, CURLOPT_PASSWORD, password));
  set(curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, token));

  const std::string& method = transfer.method;
  const char* custom = nullptr;
  if (method == "HEAD") {
    set(curl_easy_setopt(easy, CURLOPT_NOBODY, 1L));
  } else if (transfer.sends_body || method == "POST") {
    const std::string& body = transfer.sends_body && request.body ? *request.body : std::string{};
    set(curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size())));
    set(curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body.c_str()));
    if (method != "POST") custom = method.c_str();
  } else {
    set(curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L));
    if (method != "GET") custom = method.c_str();
  }
  set(curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, custom));
  transfer.header_list.reset();
  if (!build_header_list(request, to_first_origin, transfer.sends_body, transfer.header_list)) {
    return false;
  }
  set(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.header_list.get()));
  set(curl_easy_setopt(easy, CURLOPT_COOKIE, configured_cookie(request, to_first_origin)));
  return ok;
}

}  // namespace

// Sets every option of one probe. Returns false when libcurl refuses one (the probe then fails
// as `other` without being sent).
bool configure(CURL* easy, const ProbeRequest& request, Transfer& transfer) {
  bool ok = configure_connection(easy, request, transfer) && configure_protocol(easy, request);
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer));
  set(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer));
  set(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  // A transfer that ends while its name lookup still runs would otherwise make the engine thread
  // wait for that lookup (libcurl's threaded resolver joins its thread; curl issue #4852): one
  // unanswered DNS query held every other probe for its whole length. With this, the lookup's
  // thread is left to finish on its own and frees what it holds then.
  set(curl_easy_setopt(easy, CURLOPT_QUICK_EXIT, 1L));
  set(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  // A cookie engine of this handle's own, which lives as long as the probe (the engine makes a
  // fresh handle per probe and shares none): a cookie a 3xx sets goes on the next hops, only where
  // libcurl's RFC 6265 matching (host, Domain, Path, Secure) sends it, and never to another probe.
  set(curl_easy_setopt(easy, CURLOPT_COOKIEFILE, ""));
  set(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body));
  set(curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer));
  set(curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header));
  set(curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer));
  set(curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket));
  set(curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer));
  ok = ok && record_served_chain(easy, transfer.served_chain);
  if (!has_header(request, "User-Agent")) {
    set(curl_easy_setopt(easy, CURLOPT_USERAGENT, request.default_user_agent.c_str()));
  }
  transfer.method = request.method;
  transfer.sends_body = request.body.has_value();
  return ok && configure_hop(easy, request, /*to_first_origin=*/true, request.timeout, transfer);
}

std::optional<CURLcode> prepare_next_hop(CURL* easy, CURLcode code, Transfer& transfer) {
  const ProbeRequest& request = *transfer.request;
  if (!request.follow_redirects || !got_response(code, transfer) || transfer.body_too_large) {
    return code;  // a 3xx over max_body_size fails the probe where it is
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  char* location = nullptr;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
  if (!is_followed_redirect(status) || location == nullptr) return code;
  // The errors libcurl's own following would end with.
  if (transfer.hops >= kMaxRedirects) return CURLE_TOO_MANY_REDIRECTS;
  if (transfer.hops == 0) {  // parsed only when a probe redirects at all
    char* first_url = nullptr;
    curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &first_url);
    if (first_url != nullptr) transfer.first_origin = origin_of(first_url);
  }
  const std::optional<Origin> origin = origin_of(location);
  if (!origin) return CURLE_UNSUPPORTED_PROTOCOL;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - transfer.started);
  if (elapsed >= request.timeout) return CURLE_OPERATION_TIMEDOUT;
  transfer.phases += read_phases(easy);
  transfer.earlier_hops_us += microseconds_of(easy, CURLINFO_TOTAL_TIME_T);
  ++transfer.hops;
  const NextRequest next = after_redirect(transfer.method, status);
  transfer.method = next.method;
  transfer.sends_body = transfer.sends_body && next.keeps_body;
  transfer.start_response();
  if (transfer.served_chain) transfer.served_chain->clear();  // facts are the final hop's
  const bool to_first_origin = transfer.first_origin && *origin == *transfer.first_origin;
  const std::string url{location};  // libcurl's buffer is gone with the next option set
  if (curl_easy_setopt(easy, CURLOPT_URL, url.c_str()) != CURLE_OK ||
      !configure_hop(easy, request, to_first_origin, request.timeout - elapsed, transfer)) {
    return CURLE_FAILED_INIT;
  }
  return std::nullopt;
}

}  // namespace epsitter
