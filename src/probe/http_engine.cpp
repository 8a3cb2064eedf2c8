// The HTTP engine: one thread that owns a libcurl multi handle and runs any number of probes at
// once.
#include "probe/http_engine.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "probe/curl_handles.hpp"
#include "probe/error_classification.hpp"
#include "probe/multi_driver.hpp"

namespace epsitter {

namespace {

// Bytes of a response body read at most; the rest is not downloaded, so a huge or endless body
// costs neither memory nor time beyond this.
constexpr std::int64_t kBodyLimitBytes = 1 << 20;
constexpr long kMaxRedirects = 10;
// The loop re-checks for stop() at least this often even when nothing wakes it.
constexpr std::chrono::milliseconds kIdleWait{1000};

bool iequals(const std::string& a, const char* b) {
  const std::string other{b};
  return a.size() == other.size() &&
         std::equal(a.begin(), a.end(), other.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_header(const ProbeRequest& request, const char* name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [name](const auto& header) { return iequals(header.first, name); });
}

// One transfer in flight. Owned by the engine thread only.
struct Transfer {
  CurlEasy easy;
  CurlSlist header_list;
  HttpEngine::Completion on_done;
  std::chrono::steady_clock::time_point started;
  std::int64_t body_bytes = 0;
  bool body_truncated = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

std::size_t count_body(char* /*data*/, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const auto bytes = static_cast<std::int64_t>(size * count);
  if (transfer->body_bytes + bytes > kBodyLimitBytes) {
    transfer->body_bytes = kBodyLimitBytes;
    transfer->body_truncated = true;
    return 0;  // makes libcurl stop reading: the rest of the body is not downloaded
  }
  transfer->body_bytes += bytes;
  return size * count;
}

bool build_header_list(const ProbeRequest& request, CurlSlist& list) {
  for (const auto& [name, value] : request.headers) {
    // "Name;" is libcurl's way of sending a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    if (!append(list, line.c_str())) return false;
  }
  // No "Expect: 100-continue" round trip on larger bodies: a probe should measure one exchange.
  if (!append(list, "Expect:")) return false;
  // libcurl would label a body as form data; send none unless the config set one.
  if (request.body && !has_header(request, "Content-Type")) {
    if (!append(list, "Content-Type:")) return false;
  }
  return true;
}

// Sets every option of one probe. Returns false when libcurl refuses one (the probe then fails
// as `other` without being sent).
bool configure(CURL* easy, const ProbeRequest& request, Transfer& transfer) {
  bool ok = true;
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer));
  set(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer));
  set(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L));
  set(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, kMaxRedirects));
  set(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count())));
  // A fresh connection per probe, so that connect and TLS time are part of what is measured.
  set(curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L));
  set(curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L));
  set(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_body));
  set(curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer));
  if (!has_header(request, "User-Agent")) {
    set(curl_easy_setopt(easy, CURLOPT_USERAGENT, request.default_user_agent.c_str()));
  }
  if (request.auth_user) {
    set(curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC)));
    set(curl_easy_setopt(easy, CURLOPT_USERNAME, request.auth_user->c_str()));
    set(curl_easy_setopt(easy, CURLOPT_PASSWORD, request.auth_pass.value_or("").c_str()));
  }
  if (request.method == "HEAD") {
    set(curl_easy_setopt(easy, CURLOPT_NOBODY, 1L));
  } else if (request.body || request.method == "POST") {
    const std::string& body = request.body ? *request.body : std::string{};
    set(curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size())));
    set(curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body.c_str()));
    if (request.method != "POST") {
      set(curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
    }
  } else if (request.method != "GET") {
    set(curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
  }
  if (!build_header_list(request, transfer.header_list)) return false;
  set(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.header_list.get()));
  return ok;
}

ProbeResult read_result(CURL* easy, CURLcode code, const Transfer& transfer) {
  ProbeResult result;
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  // Stopping at the body limit is our choice, not a failure of the target.
  const bool stopped_by_limit = code == CURLE_WRITE_ERROR && transfer.body_truncated;
  result.error = stopped_by_limit ? ProbeError::none : classify_curl_error(code, os_errno);
  if (result.error == ProbeError::none) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    result.status_code = static_cast<int>(status);
  } else {
    result.error_detail =
        transfer.error_buffer[0] != '\0' ? transfer.error_buffer : curl_easy_strerror(code);
  }
  curl_off_t total_us = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
  if (total_us > 0) {
    result.duration_seconds = static_cast<double>(total_us) / 1e6;
  } else {  // libcurl leaves it at 0 for some early failures; our own clock still knows
    result.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - transfer.started).count();
  }
  result.response_bytes = transfer.body_bytes;
  return result;
}

ProbeResult failed_before_sending(const char* why) {
  ProbeResult result;
  result.error = ProbeError::other;
  result.error_detail = why;
  return result;
}

}  // namespace

struct HttpEngine::Impl {
  struct Pending {
    ProbeRequest request;
    Completion on_done;
  };

  spdlog::logger& log;
  CurlMulti multi;
  MultiDriver driver;  // after `multi`: destroyed before it
  std::thread thread;

  mutable std::mutex mutex;  // guards `pending` and `stopped`
  std::deque<Pending> pending;
  bool stopped = false;
  std::atomic<std::size_t> in_flight{0};

  // Engine thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;

  explicit Impl(spdlog::logger& logger)
      : log(logger), multi(checked(curl_multi_init())), driver(multi.get()) {}

  static CURLM* checked(CURLM* handle) {
    if (handle == nullptr) throw std::runtime_error("curl_multi_init failed");
    return handle;
  }

  void start(Pending item) {
    auto transfer = std::make_unique<Transfer>();
    transfer->on_done = std::move(item.on_done);
    transfer->started = std::chrono::steady_clock::now();
    transfer->easy.reset(curl_easy_init());
    if (!transfer->easy) {
      finish_without_transfer(*transfer, "curl_easy_init failed");
      return;
    }
    CURL* easy = transfer->easy.get();
    if (!configure(easy, item.request, *transfer)) {
      finish_without_transfer(*transfer, "libcurl refused an option of this request");
      return;
    }
    if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) {
      finish_without_transfer(*transfer, "curl_multi_add_handle failed");
      return;
    }
    transfers.emplace(easy, std::move(transfer));
  }

  void finish_without_transfer(Transfer& transfer, const char* why) {
    log.warn("msg=\"probe not sent\" reason=\"{}\"", why);
    --in_flight;
    transfer.on_done(failed_before_sending(why));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      auto found = transfers.find(easy);
      if (found == transfers.end()) continue;
      std::unique_ptr<Transfer> transfer = std::move(found->second);
      transfers.erase(found);
      curl_multi_remove_handle(multi.get(), easy);
      ProbeResult result = read_result(easy, code, *transfer);
      --in_flight;
      transfer->on_done(std::move(result));
    }
  }

  std::deque<Pending> take_pending(bool& stop_now) {
    std::lock_guard<std::mutex> lock(mutex);
    stop_now = stopped;
    return std::exchange(pending, {});
  }

  void run() {
    for (;;) {
      bool stop_now = false;
      auto incoming = take_pending(stop_now);
      if (stop_now) break;
      for (auto& item : incoming) start(std::move(item));
      // Sleeps until a socket is ready, libcurl's next timeout, or a wakeup from submit()/stop();
      // a handle added above asks for an immediate timeout, so it starts without delay.
      driver.wait_and_drive(kIdleWait);
      collect_finished();
    }
    abort_all();
  }

  void abort_all() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      in_flight -= pending.size();
      pending.clear();
    }
    for (auto& [easy, transfer] : transfers) curl_multi_remove_handle(multi.get(), easy);
    in_flight -= transfers.size();
    transfers.clear();
  }
};

HttpEngine::HttpEngine(spdlog::logger& log) {
  // Reference-counted and thread-safe in this libcurl build; paired with the cleanup below.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_ = std::make_unique<Impl>(log);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

HttpEngine::~HttpEngine() {
  stop();
  impl_.reset();
  curl_global_cleanup();
}

void HttpEngine::submit(ProbeRequest request, Completion on_done) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->pending.push_back({std::move(request), std::move(on_done)});
    ++impl_->in_flight;
  }
  impl_->driver.wake();
}

void HttpEngine::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopped = true;
  }
  impl_->driver.wake();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::size_t HttpEngine::in_flight() const {
  return impl_->in_flight.load();
}

}  // namespace epsitter
