// Owns one file descriptor and closes it once (RAII for inotify, eventfd and the like).
#pragma once

#include <unistd.h>

#include <utility>

namespace epsitter {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    // close() errors on a descriptor we only read from leave nothing to recover.
    if (fd_ >= 0) static_cast<void>(::close(fd_));
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace epsitter
