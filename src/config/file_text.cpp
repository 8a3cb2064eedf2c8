// Reads a whole file into memory, boundedly: the config itself and the files it names.
#include "config/file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

#include "config/number_parsing.hpp"
#include "os/unique_fd.hpp"

namespace epsitter::detail {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a plain file";
}

[[noreturn]] void fail_with_errno(int error_number) {
  // Not strerror(): a reload and the discovery threads read files concurrently.
  throw FileReadError(std::generic_category().message(error_number), error_number);
}

[[noreturn]] void fail_too_long(std::size_t max_bytes) {
  throw FileReadError("it is larger than " + format_bytes(max_bytes) + ", the most allowed here");
}

// Opens `path` for reading and checks what the descriptor refers to; returns the descriptor and
// the file's size.
UniqueFd open_regular_file(const std::string& path, std::size_t max_bytes, std::size_t& size) {
  // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, for ever if none comes.
  // It changes nothing for a regular file. O_NOCTTY: a terminal device never becomes ours.
  UniqueFd fd{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (!fd.valid()) fail_with_errno(errno);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) fail_with_errno(errno);
  if (!S_ISREG(status.st_mode)) {
    throw FileReadError("it is " + kind_of(status.st_mode) + ", not a regular file");
  }
  if (status.st_size < 0 || static_cast<std::uintmax_t>(status.st_size) > max_bytes) {
    fail_too_long(max_bytes);
  }
  size = static_cast<std::size_t>(status.st_size);
  return fd;
}

}  // namespace

std::string read_file_text(const std::string& path, std::size_t max_bytes) {
  std::size_t size = 0;
  const UniqueFd fd = open_regular_file(path, max_bytes, size);
  std::string text;
  text.reserve(size);
  // Read straight into the string, a chunk at a time: a reload may run on a thread with a small
  // stack. One byte past the limit is enough to know that the file grew past it.
  constexpr std::size_t kChunk = 65'536;
  for (;;) {
    const std::size_t used = text.size();
    const std::size_t want = std::min(kChunk, max_bytes + 1 - used);
    text.resize(used + want);
    const ssize_t count = ::read(fd.get(), text.data() + used, want);
    if (count < 0 && errno == EINTR) {
      text.resize(used);
      continue;
    }
    if (count < 0) fail_with_errno(errno);
    text.resize(used + static_cast<std::size_t>(count));
    if (text.size() > max_bytes) fail_too_long(max_bytes);
    if (count == 0) return text;
  }
}

void check_file_readable(const std::string& path, std::size_t max_bytes) {
  std::size_t size = 0;
  static_cast<void>(open_regular_file(path, max_bytes, size));
}

}  // namespace epsitter::detail
