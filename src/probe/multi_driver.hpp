// Drives a libcurl multi handle with epoll and curl_multi_socket_action: only the sockets that are
// ready and the timers that are due cost work, however many transfers are in flight.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>

namespace epsitter {

// curl_multi_perform/curl_multi_poll walk every transfer on every call, so with thousands of
// transfers in flight each loop iteration costs O(transfers) and a busy engine falls further behind
// the more it has to do. The socket interface hands libcurl one ready socket (or one due timer) at
// a time instead.
class MultiDriver {
 public:
  // Registers libcurl's socket and timer callbacks on `multi`, which must outlive the driver.
  // Throws std::system_error when epoll or eventfd cannot be created.
  explicit MultiDriver(CURLM* multi);
  ~MultiDriver();
  MultiDriver(const MultiDriver&) = delete;
  MultiDriver& operator=(const MultiDriver&) = delete;

  // Thread-safe: makes a wait_and_drive() in progress (or the next one) return at once.
  void wake();

  // Waits at most `max_wait` for a ready socket, libcurl's next timeout or a wake(), then lets
  // libcurl act on whatever happened. Finished transfers are then in curl_multi_info_read().
  void wait_and_drive(std::chrono::milliseconds max_wait);

 private:
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* assigned);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  int watch(curl_socket_t socket, int what, bool known);
  std::chrono::milliseconds wait_budget(std::chrono::milliseconds max_wait) const;
  void run_due_timer();

  CURLM* multi_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  // When libcurl next wants curl_multi_socket_action(CURL_SOCKET_TIMEOUT); unset: no timer.
  std::optional<std::chrono::steady_clock::time_point> timer_due_;
};

}  // namespace epsitter
