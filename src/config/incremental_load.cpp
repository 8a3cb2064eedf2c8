// Loading a config again after a change, parsing only the targets whose own lines changed.
#include "config/incremental_load.hpp"

#include <functional>
#include <optional>
#include <utility>

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
std::optional<LoadedConfig> load_by_chunks(const std::string& text, const TargetChunks& chunks,
                                           const std::string& file_name, const EnvLookup& env,
                                           const ParseMemo& previous,
                                           const std::vector<SharedTarget>& running) {
  try {
    const ConfigFrame frame{chunks.frame, file_name, env};
    std::vector<Target> targets;
    targets.reserve(chunks.targets.size());
    std::size_t parsed = 0;
    for (const TargetChunk& chunk : chunks.targets) {
      const std::optional<std::size_t> at = previous.unchanged(chunks.frame, chunk);
      if (at && *at < running.size() && running[*at]->labels.name == chunk.name) {
        targets.push_back(*running[*at]);
      } else {
        targets.push_back(frame.read_target(chunk.text));
        ++parsed;
      }
    }
    return LoadedConfig{frame.with_targets(std::move(targets)), ParseMemo{text, chunks}, parsed};
  } catch (const ConfigError&) {
    return std::nullopt;
  }
}

}  // namespace

ParseMemo::ParseMemo(const std::string& text, const TargetChunks& chunks) {
  if (reads_outside_itself(chunks.frame)) return;
  text_ = std::make_unique<const std::string>(text);
  frame_ = chunks.frame;
  // The same offsets in the memo's own copy of the text.
  const auto own = [&](std::string_view view) {
    return std::string_view{*text_}.substr(static_cast<std::size_t>(view.data() - text.data()),
                                           view.size());
  };
  lines_.reserve(chunks.targets.size());
  for (std::size_t i = 0; i < chunks.targets.size(); ++i) {
    const TargetChunk& chunk = chunks.targets[i];
    if (!reads_outside_itself(chunk.text))
      lines_.emplace(own(chunk.name), Lines{own(chunk.text), i});
  }
}

std::optional<std::size_t> ParseMemo::unchanged(std::string_view frame,
                                                const TargetChunk& chunk) const {
  if (!same_frame(frame)) return std::nullopt;
  const auto found = lines_.find(chunk.name);
  if (found == lines_.end() || found->second.text != chunk.text) return std::nullopt;
  return found->second.position;
}

LoadedConfig load_config_text(const std::string& text, const std::string& file_name,
                              const EnvLookup& env, const ParseMemo& previous,
                              const std::vector<SharedTarget>& running) {
  if (const std::optional<TargetChunks> chunks = split_target_chunks(text)) {
    if (auto loaded = load_by_chunks(text, *chunks, file_name, env, previous, running)) {
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
