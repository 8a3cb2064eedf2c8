// The files a config's targets read besides the config itself (see referenced_files.hpp).
#include "config/referenced_files.hpp"

#include <map>

namespace epsitter {

std::vector<ReferencedFile> referenced_files(const Config& config) {
  std::map<std::string, std::optional<std::size_t>> files;
  for (const Target& target : config.targets) {
    const TargetExtras& extras = *target.extras;
    for (const FileRead& read : extras.secret_files) files.emplace(read.path, read.content_hash);
    for (const auto* path : {&extras.ca_file, &extras.cert_file, &extras.key_file}) {
      if (*path) files.emplace(**path, std::nullopt);
    }
  }
  std::vector<ReferencedFile> list;
  list.reserve(files.size());
  for (auto& [path, hash] : files) list.push_back(ReferencedFile{path, hash});
  return list;
}

}  // namespace epsitter
