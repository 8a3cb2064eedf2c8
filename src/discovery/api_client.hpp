// Requests to the Kubernetes API server over libcurl, with the ServiceAccount's bearer token and
// CA: a GET for lists, a streaming GET for watches, a POST/PUT/DELETE with a JSON body for Leases.
// One client per thread; stop() from any thread aborts the transfer in progress at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "config/kubernetes_config.hpp"
#include "probe/curl_handles.hpp"

namespace epsitter {

struct ApiReply {
  bool completed = false;  // the transfer ended normally (the status says how it went)
  bool stopped = false;    // stop() ended it
  long status = 0;         // HTTP status, 0 when none arrived
  std::string body;        // get(): the body; stream(): the start of a non-200 answer's body
  std::string error;       // why the transfer failed, when it did not complete
};

class ApiClient {
 public:
  // Throws std::runtime_error when libcurl cannot make its handles.
  explicit ApiClient(KubernetesConfig config);
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Thread-safe: ends the transfer in progress, and every later one, at once.
  void stop();
  bool stopped() const { return stopping_; }

  // GET `url`, the whole body (at most 64 MiB), within `timeout`.
  ApiReply get(const std::string& url, std::chrono::seconds timeout);

  // GET `url` and hand each line of a 200 answer to `on_line` as it arrives, until the server
  // ends the stream, `timeout` passes, or on_line returns false (then completed is true).
  ApiReply stream(const std::string& url, std::chrono::seconds timeout,
                  const std::function<bool(std::string_view)>& on_line);

  // `method` (POST, PUT, DELETE) `url` with `json` as the body (none when empty), within
  // `timeout`; the answer's body is kept up to 1 MiB (a Lease is a few hundred bytes).
  ApiReply send(const std::string& method, const std::string& url, const std::string& json,
                std::chrono::seconds timeout);

 private:
  struct Transfer;
  static size_t on_write(char* data, size_t size, size_t count, void* transfer);
  ApiReply perform(const std::string& url, std::chrono::seconds timeout, Transfer& transfer);
  CurlSlist request_headers(std::string& problem, bool json_body) const;

  const KubernetesConfig config_;
  CurlMulti multi_;
  CurlEasy easy_;
  std::atomic<bool> stopping_{false};
};

}  // namespace epsitter
