// Loading a config again after a change, parsing only the targets whose own lines changed.
#include "config/incremental_load.hpp"

#include <functional>
#include <optional>
#include <utility>

#include "sharding/rendezvous.hpp"

namespace epsitter {
namespace {

// Text that parses to the same target only while something outside it stays the same: ${VAR}
// reads the environment, *_file a file (a secret, or a CA that must still be readable), and a
// backslash escape in a quoted value could spell either.
bool reads_outside_itself(std::string_view text) {
  return text.find("${") != std::string_view::npos ||
         text.find("_file") != std::string_view::npos || text.find('\\') != std::string_view::npos;
}

// The config with each target parsed from its own lines, or copied from the running one when the
// memo shows its lines unchanged. Nothing when any part fails, so that parse_config reports it with
// the file's lines. Parsing target by target is no slower than parsing the whole file, and the
// targets that parsed alone are the ones a memo can vouch for.
std::optional<LoadedConfig> load_by_chunks(const TargetChunks& chunks, const std::string& file_name,
                                           const EnvLookup& env, const ParseMemo& previous,
                                           const std::vector<SharedTarget>& running) {
  std::unordered_map<std::string_view, const Target*> running_by_name;
  if (previous.same_frame(chunks.frame)) {
    running_by_name.reserve(running.size());
    for (const SharedTarget& target : running) {
      running_by_name.emplace(target->labels.name, target.get());
    }
  }
  try {
    const ConfigFrame frame{chunks.frame, file_name, env};
    std::vector<Target> targets;
    targets.reserve(chunks.targets.size());
    std::size_t parsed = 0;
    for (const TargetChunk& chunk : chunks.targets) {
      const auto found = running_by_name.find(chunk.name);
      if (found != running_by_name.end() && previous.unchanged(chunks.frame, chunk)) {
        targets.push_back(*found->second);
      } else {
        targets.push_back(frame.read_target(chunk.text));
        ++parsed;
      }
    }
    return LoadedConfig{frame.with_targets(std::move(targets)), ParseMemo{chunks}, parsed};
  } catch (const ConfigError&) {
    return std::nullopt;
  }
}

}  // namespace

ParseMemo::ParseMemo(const TargetChunks& chunks) {
  if (reads_outside_itself(chunks.frame)) return;
  known_ = true;
  frame_ = chunks.frame;
  digests_.reserve(chunks.targets.size());
  for (const TargetChunk& chunk : chunks.targets) {
    if (!reads_outside_itself(chunk.text)) digests_.emplace(chunk.name, digest_of(chunk.text));
  }
}

ParseMemo::Digest ParseMemo::digest_of(std::string_view text) {
  return {fnv1a64(text), std::hash<std::string_view>{}(text), text.size()};
}

bool ParseMemo::unchanged(std::string_view frame, const TargetChunk& chunk) const {
  if (!same_frame(frame)) return false;
  const auto found = digests_.find(std::string{chunk.name});
  return found != digests_.end() && found->second == digest_of(chunk.text);
}

LoadedConfig load_config_text(const std::string& text, const std::string& file_name,
                              const EnvLookup& env, const ParseMemo& previous,
                              const std::vector<SharedTarget>& running) {
  if (const std::optional<TargetChunks> chunks = split_target_chunks(text)) {
    if (auto loaded = load_by_chunks(*chunks, file_name, env, previous, running)) {
      return std::move(*loaded);
    }
  }
  Config config = parse_config(text, file_name, env);
  const std::size_t parsed = config.targets.size();
  return LoadedConfig{std::move(config), ParseMemo{}, parsed};
}

LoadedConfig load_config_file_reusing(const std::string& path, const EnvLookup& env,
                                      const ParseMemo& previous,
                                      const std::vector<SharedTarget>& running) {
  return load_config_text(read_config_file(path), path, env, previous, running);
}

}  // namespace epsitter
