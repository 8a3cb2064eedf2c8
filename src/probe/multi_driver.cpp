// Drives a libcurl multi handle with epoll and curl_multi_socket_action.
#include "probe/multi_driver.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace epsitter {

namespace {

// Events handled per epoll_wait; more simply wait for the next call.
constexpr int kMaxEvents = 256;

std::uint32_t epoll_events_for(int what) {
  switch (what) {
    case CURL_POLL_IN:
      return EPOLLIN;
    case CURL_POLL_OUT:
      return EPOLLOUT;
    case CURL_POLL_INOUT:
      return EPOLLIN | EPOLLOUT;
    default:
      return 0;
  }
}

int curl_flags_for(std::uint32_t events) {
  int flags = 0;
  if ((events & EPOLLIN) != 0) flags |= CURL_CSELECT_IN;
  if ((events & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) flags |= CURL_CSELECT_ERR;
  return flags;
}

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

MultiDriver::MultiDriver(CURLM* multi) : multi_(multi) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1");
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    const int error = errno;
    close(epoll_fd_);
    throw std::system_error(error, std::generic_category(), "eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) {
    const int error = errno;
    close(wake_fd_);
    close(epoll_fd_);
    throw std::system_error(error, std::generic_category(), "epoll_ctl(eventfd)");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &MultiDriver::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &MultiDriver::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

MultiDriver::~MultiDriver() {
  // libcurl must not call back into a destroyed driver while the multi handle is cleaned up.
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, nullptr);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, nullptr);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, nullptr);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, nullptr);
  close(wake_fd_);
  close(epoll_fd_);
}

void MultiDriver::wake() {
  const std::uint64_t one = 1;
  // A full counter (never in practice) still leaves the fd readable, which is all we need.
  [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof one);
}

int MultiDriver::on_socket(CURL* /*easy*/, curl_socket_t socket, int what, void* self,
                           void* assigned) {
  return static_cast<MultiDriver*>(self)->watch(socket, what, assigned != nullptr);
}

int MultiDriver::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* driver = static_cast<MultiDriver*>(self);
  if (timeout_ms < 0) {
    driver->timer_due_.reset();
  } else {
    driver->timer_due_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

// Keeps the epoll set equal to what libcurl wants watched. `known`: libcurl already carries our
// mark for this socket (set below), so it is in the epoll set.
int MultiDriver::watch(curl_socket_t socket, int what, bool known) {
  if (what == CURL_POLL_REMOVE) {
    // libcurl may have closed the socket already, which removed it from the set: ignore errors.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, socket, nullptr);
    return 0;
  }
  epoll_event event{};
  event.events = epoll_events_for(what);
  event.data.fd = socket;
  int result = epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, &event);
  if (result != 0 && errno == EEXIST) result = epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, socket, &event);
  if (result != 0 && errno == ENOENT) result = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, socket, &event);
  if (result != 0) return -1;  // libcurl then fails this transfer, not the others
  if (!known) curl_multi_assign(multi_, socket, this);
  return 0;
}

std::chrono::milliseconds MultiDriver::wait_budget(std::chrono::milliseconds max_wait) const {
  if (!timer_due_) return max_wait;
  const auto left = *timer_due_ - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return std::chrono::milliseconds(0);
  // Rounded up: waking a little late costs nothing, waking early costs a wasted iteration.
  const auto rounded = std::chrono::ceil<std::chrono::milliseconds>(left);
  return rounded < max_wait ? rounded : max_wait;
}

void MultiDriver::run_due_timer() {
  if (!timer_due_ || *timer_due_ > std::chrono::steady_clock::now()) return;
  // One-shot: libcurl calls on_timer again if it wants another.
  timer_due_.reset();
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
}

void MultiDriver::wait_and_drive(std::chrono::milliseconds max_wait) {
  std::array<epoll_event, kMaxEvents> events{};
  const int ready = epoll_wait(epoll_fd_, events.data(), kMaxEvents,
                               static_cast<int>(wait_budget(max_wait).count()));
  for (int i = 0; i < ready; ++i) {
    const int fd = events[static_cast<std::size_t>(i)].data.fd;
    if (fd == wake_fd_) {
      std::uint64_t count = 0;
      [[maybe_unused]] const ssize_t drained = read(wake_fd_, &count, sizeof count);
      continue;
    }
    int running = 0;
    curl_multi_socket_action(multi_, fd, curl_flags_for(events[static_cast<std::size_t>(i)].events),
                             &running);
  }
  run_due_timer();
}

}  // namespace epsitter
