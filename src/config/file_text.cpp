// Reads a whole file into memory: the config itself and the secrets it points to.
#include "config/file_text.hpp"

#include <array>
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
  std::array<char, 65'536> buffer{};
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    text.append(buffer.data(), count);
    if (text.size() > max_bytes) throw std::length_error("the file is too long");
  }
  if (std::ferror(file.get())) throw std::system_error(errno, std::generic_category());
  return text;
}

}  // namespace epsitter::detail
