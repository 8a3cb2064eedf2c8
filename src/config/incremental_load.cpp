// Loading a config again after a change, parsing only the targets whose own lines changed.
#include "config/incremental_load.hpp"

#include <algorithm>
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
    // Made first, so that its few blocks come before the churn of parsing (see ParseMemo).
    ParseMemo memo{text, chunks};
    // The frame and each target's lines are charged as they are parsed; targets taken over from
    // the running config were charged when they were parsed.
    ExpansionBudget budget = config_expansion_budget();
    const ConfigFrame frame{chunks.frame, file_name, env, budget};
    std::vector<Target> targets;
    targets.reserve(chunks.targets.size());
    std::size_t parsed = 0;
    for (std::size_t i = 0; i < chunks.targets.size(); ++i) {
      const TargetChunk& chunk = chunks.targets[i];
      const std::optional<std::size_t> at = previous.unchanged(chunks.frame, chunk, i);
      if (at && *at < running.size() && running[*at]->labels.name == chunk.name) {
        targets.push_back(*running[*at]);
      } else {
        targets.push_back(frame.read_target(chunk.text));
        ++parsed;
      }
    }
    return LoadedConfig{frame.with_targets(std::move(targets)), std::move(memo), parsed,
                        budget.used()};
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
  by_name_.reserve(chunks.targets.size());
  for (const TargetChunk& chunk : chunks.targets) {
    const bool reusable = !reads_outside_itself(chunk.text);
    by_name_.push_back(static_cast<std::uint32_t>(lines_.size()));
    lines_.push_back({own(chunk.name), reusable ? own(chunk.text) : std::string_view{}});
  }
  std::sort(by_name_.begin(), by_name_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return lines_[a].name < lines_[b].name; });
}

std::size_t ParseMemo::size() const {
  return static_cast<std::size_t>(std::count_if(
      lines_.begin(), lines_.end(), [](const Lines& lines) { return !lines.text.empty(); }));
}

std::optional<std::size_t> ParseMemo::position_of(std::string_view name, std::size_t hint) const {
  if (hint < lines_.size() && lines_[hint].name == name) return hint;
  const auto found = std::lower_bound(
      by_name_.begin(), by_name_.end(), name,
      [this](std::uint32_t at, std::string_view key) { return lines_[at].name < key; });
  if (found == by_name_.end() || lines_[*found].name != name) return std::nullopt;
  return *found;
}

std::optional<std::size_t> ParseMemo::unchanged(std::string_view frame, const TargetChunk& chunk,
                                                std::size_t position) const {
  if (!same_frame(frame)) return std::nullopt;
  const std::optional<std::size_t> at = position_of(chunk.name, position);
  if (!at || lines_[*at].text.empty() || lines_[*at].text != chunk.text) return std::nullopt;
  return at;
}

LoadedConfig load_config_text(const std::string& text, const std::string& file_name,
                              const EnvLookup& env, const ParseMemo& previous,
                              const std::vector<SharedTarget>& running) {
  if (const std::optional<TargetChunks> chunks = split_target_chunks(text)) {
    if (auto loaded = load_by_chunks(text, *chunks, file_name, env, previous, running)) {
      return std::move(*loaded);
    }
  }
  ExpansionBudget budget = config_expansion_budget();
  Config config = parse_config(text, file_name, env, budget);
  const std::size_t parsed = config.targets.size();
  return LoadedConfig{std::move(config), ParseMemo{}, parsed, budget.used()};
}

LoadedConfig load_config_file_reusing(const std::string& path, const EnvLookup& env,
                                      const ParseMemo& previous,
                                      const std::vector<SharedTarget>& running) {
  return load_config_text(read_config_file(path), path, env, previous, running);
}

}  // namespace epsitter
