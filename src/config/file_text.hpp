// Reads a whole file into memory: the config itself and the secrets it points to.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

namespace epsitter::detail {

// The bytes of the file at `path`. Throws std::system_error (with errno) when it cannot be read,
// and std::length_error when it is longer than `max_bytes`.
std::string read_file_text(const std::string& path,
                           std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

}  // namespace epsitter::detail
