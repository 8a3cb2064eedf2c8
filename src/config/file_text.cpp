// Reads a whole file into memory: the config itself and the secrets it points to.
#include "config/file_text.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace epsitter::detail {
namespace {

struct FileCloser {
  // Closing a file that was only read cannot lose data, so its result is not needed.
  void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

}  // namespace

std::string read_file_text(const std::string& path, std::size_t max_bytes) {
  const std::unique_ptr<std::FILE, FileCloser> file{std::fopen(path.c_str(), "rb")};
  if (!file) throw std::system_error(errno, std::generic_category());
  std::string text;
  // Read straight into the string, a chunk at a time: a reload runs on a CivetWeb worker thread
  // (POST /-/reload), whose stack is too small for a big buffer of its own.
  constexpr std::size_t kChunk = 65'536;
  std::size_t count = 0;
  do {
    const std::size_t used = text.size();
    text.resize(used + kChunk);
    count = std::fread(text.data() + used, 1, kChunk, file.get());
    text.resize(used + count);
    if (text.size() > max_bytes) throw std::length_error("the file is too long");
  } while (count > 0);
  if (std::ferror(file.get())) throw std::system_error(errno, std::generic_category());
  return text;
}

}  // namespace epsitter::detail
