// Requests to the Kubernetes API server over libcurl, with the ServiceAccount's bearer token and
// CA: a GET for lists, a streaming GET for watches, a POST/PUT/DELETE with a JSON body for Leases.
// One client per thread; stop() from any thread aborts the transfer in progress at once.
#include "discovery/api_client.hpp"

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "config/file_text.hpp"
#include "config/number_parsing.hpp"
#include "discovery/watch_event.hpp"

namespace epsitter {
namespace {

constexpr std::size_t kMaxBodyBytes = 64 << 20;
constexpr std::size_t kMaxErrorBodyBytes = 64 << 10;
constexpr std::size_t kMaxSendAnswerBytes = 1 << 20;
constexpr std::size_t kMaxEventBytes = 16 << 20;
constexpr std::size_t kMaxTokenBytes = 64 << 10;
constexpr long kConnectTimeoutMs = 10'000;
constexpr int kPollMs = 1'000;

bool is_https(const std::string& url) {
  return url.compare(0, 8, "https://") == 0;
}

}  // namespace

// What the write callback needs: where the bytes go and why a transfer was cut short.
struct ApiClient::Transfer {
  CURL* easy = nullptr;
  const std::function<bool(std::string_view)>* on_line = nullptr;  // null: collect the body
  std::size_t body_limit = kMaxBodyBytes;                          // when collecting the body
  const std::string* method = nullptr;                             // null: GET
  const std::string* json = nullptr;                               // the request body, with method
  LineSplitter lines{kMaxEventBytes};
  std::string body;
  bool ended_by_reader = false;  // on_line asked to stop: a normal end
  std::string cut_reason;        // a limit was hit: an error
};

ApiClient::ApiClient(KubernetesConfig config)
    : config_(std::move(config)), multi_(curl_multi_init()), easy_(curl_easy_init()) {
  if (!multi_ || !easy_) throw std::runtime_error("cannot create a libcurl handle");
}

void ApiClient::stop() {
  stopping_ = true;
  curl_multi_wakeup(multi_.get());
}

// The token is read before every request: a projected ServiceAccount token is rotated by the
// kubelet (hourly), and the new one must be used without a restart.
CurlSlist ApiClient::request_headers(std::string& problem, bool json_body) const {
  CurlSlist headers;
  append(headers, "Accept: application/json");
  if (json_body) {
    append(headers, "Content-Type: application/json");
    append(headers, "Expect:");  // no 100-continue round trip for a small body
  }
  std::string token;
  try {
    token = detail::read_file_text(config_.token_file, kMaxTokenBytes);
  } catch (const detail::FileReadError& error) {
    // Without the in-cluster token (e.g. through `kubectl proxy`) the request goes out without
    // one; a token file named in the config must be readable.
    if (config_.token_file != kInClusterTokenFile || error.error_number() != ENOENT) {
      problem = "cannot read token_file " + detail::quote(config_.token_file) + ": " + error.what();
    }
    return headers;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (!token.empty()) append(headers, ("Authorization: Bearer " + token).c_str());
  return headers;
}

size_t ApiClient::on_write(char* data, size_t size, size_t count, void* opaque) {
  auto& transfer = *static_cast<Transfer*>(opaque);
  const std::string_view bytes{data, size * count};
  long status = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  if (transfer.on_line == nullptr || status != 200) {
    const std::size_t limit =
        transfer.on_line == nullptr ? transfer.body_limit : kMaxErrorBodyBytes;
    if (transfer.body.size() + bytes.size() > limit) {
      if (transfer.on_line != nullptr) return bytes.size();  // enough of an error body: drop it
      transfer.cut_reason = "the answer is larger than " + std::to_string(limit >> 20) + " MiB";
      return 0;
    }
    transfer.body.append(bytes);
    return bytes.size();
  }
  if (!transfer.lines.feed(bytes, *transfer.on_line)) {
    if (transfer.lines.overflowed()) {
      transfer.cut_reason = "a watch event is larger than 16 MiB";
    } else {
      transfer.ended_by_reader = true;
    }
    return 0;  // ends the transfer
  }
  return bytes.size();
}

ApiReply ApiClient::perform(const std::string& url, std::chrono::seconds timeout,
                            Transfer& transfer) {
  ApiReply reply;
  if (stopping_) {
    reply.stopped = true;
    return reply;
  }
  std::string problem;
  const bool json_body = transfer.json != nullptr && !transfer.json->empty();
  const CurlSlist headers = request_headers(problem, json_body);
  if (!problem.empty()) {
    reply.error = problem;
    return reply;
  }
  CURL* easy = easy_.get();
  curl_easy_reset(easy);  // keeps the connection cache: the next request reuses the connection
  transfer.easy = easy;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "epsitter/" EPSITTER_VERSION);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count() * 1000));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &ApiClient::on_write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // lists compress well
  // The API server's address is configured; a proxy from the environment must not step in.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  if (transfer.method != nullptr) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, transfer.method->c_str());
    if (json_body) {
      // Not copied: the caller's string outlives the transfer.
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer.json->data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(transfer.json->size()));
    }
  }
  if (is_https(url) && !config_.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  CURLM* multi = multi_.get();
  curl_multi_add_handle(multi, easy);
  CURLcode result = CURLE_OK;
  bool done = false;
  while (!done && !stopping_) {
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      result = message->data.result;
      done = true;
    }
    if (!done) curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_multi_remove_handle(multi, easy);
  reply.body = std::move(transfer.body);
  if (!done) {
    reply.stopped = true;
  } else if (result == CURLE_OK || (result == CURLE_WRITE_ERROR && transfer.ended_by_reader)) {
    reply.completed = true;
  } else {
    reply.error = !transfer.cut_reason.empty() ? transfer.cut_reason : curl_easy_strerror(result);
  }
  return reply;
}

ApiReply ApiClient::get(const std::string& url, std::chrono::seconds timeout) {
  Transfer transfer;
  return perform(url, timeout, transfer);
}

ApiReply ApiClient::stream(const std::string& url, std::chrono::seconds timeout,
                           const std::function<bool(std::string_view)>& on_line) {
  Transfer transfer;
  transfer.on_line = &on_line;
  return perform(url, timeout, transfer);
}

ApiReply ApiClient::send(const std::string& method, const std::string& url, const std::string& json,
                         std::chrono::seconds timeout) {
  Transfer transfer;
  transfer.body_limit = kMaxSendAnswerBytes;
  transfer.method = &method;
  transfer.json = &json;
  return perform(url, timeout, transfer);
}

}  // namespace epsitter
