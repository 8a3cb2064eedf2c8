// Reads a whole file into memory, boundedly: the config itself and the files it names.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace epsitter::detail {

// Why a file was not read, worded to follow "cannot read file PATH: ".
class FileReadError : public std::runtime_error {
 public:
  explicit FileReadError(const std::string& reason, int error_number = 0)
      : std::runtime_error(reason), error_number_(error_number) {}
  // errno of the open or read that failed; 0 when the file was refused (not a regular file, or
  // longer than allowed).
  int error_number() const { return error_number_; }

 private:
  int error_number_;
};

// The bytes of the file at `path`, which must be a regular file of at most `max_bytes`. A FIFO, a
// device (/dev/zero), a socket or a directory is refused before anything is read from it: the file
// is opened without blocking (a FIFO without a writer would block the open for ever) and checked
// with fstat on the opened descriptor, so that a file swapped meanwhile is not read either. A file
// that grows past `max_bytes` while it is read is refused too. Throws FileReadError.
std::string read_file_text(const std::string& path, std::size_t max_bytes);

// The same checks without reading: the file at `path` can be opened, is regular and is at most
// `max_bytes` long (for files that libcurl reads later, such as a CA bundle). Throws FileReadError.
void check_file_readable(const std::string& path, std::size_t max_bytes);

// What a file held, as the config watcher compares it: a hash of its bytes. The loader keeps the
// hash of each secret file it read, so that the watcher compares with what was actually loaded.
inline std::size_t content_hash(std::string_view bytes) {
  return std::hash<std::string_view>{}(bytes);
}

}  // namespace epsitter::detail
