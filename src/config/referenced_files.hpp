// The files a config's targets read besides the config itself: what a rotation must reach.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/config_loader.hpp"

namespace epsitter {

struct ReferencedFile {
  std::string path;
  // content_hash (file_text.hpp) of the bytes the load read; unset for the files libcurl reads
  // for each probe instead (the TLS files), whose content now is their baseline.
  std::optional<std::size_t> loaded_hash;
  friend bool operator==(const ReferencedFile& a, const ReferencedFile& b) {
    return a.path == b.path && a.loaded_hash == b.loaded_hash;
  }
};

// Every auth_pass_file, bearer_token_file, payload_file, ca_file, cert_file and key_file of the
// config's targets, sorted by path, each once. Secrets and payloads are read at load time, so a new
// one takes a reload; libcurl reads the TLS files for each probe, but a reload also reports a
// broken one. (The Kubernetes client rereads its token for each request.)
std::vector<ReferencedFile> referenced_files(const Config& config);

}  // namespace epsitter
