// Loading a config again after a change: only the targets whose own lines changed are parsed, the
// others are taken over from the running ones. A 10,000-target file takes ~0.15 s to parse whole;
// a reload that changes one target then costs about what that one target costs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "config/target_chunks.hpp"

namespace epsitter {

// What a load remembers of the text its targets came from: the frame (everything but the targets'
// lines) and each target's lines, compared byte for byte on the next load. Only what parsing again
// would certainly give again is remembered: nothing when the frame reads the environment or a file
// (${VAR}, *_file, or a backslash escape that could spell either), and no target whose own lines
// do.
class ParseMemo {
 public:
  ParseMemo() = default;  // remembers nothing: the next load parses everything
  // `chunks` cut from `text`.
  ParseMemo(const std::string& text, const TargetChunks& chunks);

  // Where the memo's load put the target of `chunk`'s name among its targets, when `chunk`, under
  // the frame `frame`, is the text that target was parsed from and that text reads nothing outside
  // itself; nothing otherwise. `position` is where `chunk` is now: looked at first, since targets
  // mostly stay where they were.
  std::optional<std::size_t> unchanged(std::string_view frame, const TargetChunk& chunk,
                                       std::size_t position) const;
  bool same_frame(std::string_view frame) const { return text_ != nullptr && frame == frame_; }
  std::size_t size() const;  // the targets remembered

 private:
  struct Lines {
    std::string_view name;  // into *text_, like `text`
    std::string_view text;  // empty: not to be reused (it reads something outside itself)
  };
  std::optional<std::size_t> position_of(std::string_view name, std::size_t hint) const;

  // The loaded text, on the heap so that the views into it stay valid when the memo moves. A few
  // large blocks rather than a node per target: the memo outlives the load, and 10,000 small
  // nodes among the freed YAML of the load would keep its pages resident.
  std::unique_ptr<const std::string> text_;
  std::string frame_;
  std::vector<Lines> lines_;            // in file order: the index is the target's position
  std::vector<std::uint32_t> by_name_;  // positions, sorted by name
};

struct LoadedConfig {
  Config config;
  ParseMemo memo;                  // for the next load, once this config runs
  std::size_t targets_parsed = 0;  // parsed from text; the others were taken over
  ExpandedSize expanded;           // of what was parsed, aliases, ${VAR} and defaults expanded
};

// parse_config's result for `text`; with `previous` (the memo of the config now running) and
// `running` (its file targets, in the order that config had them) each target whose lines are
// unchanged is copied from the running one instead of parsed. Anything the shortcut cannot take
// (another layout, a changed frame, an error) is parsed whole by parse_config, so errors and
// results are exactly parse_config's. Throws ConfigError.
LoadedConfig load_config_text(const std::string& text, const std::string& file_name,
                              const EnvLookup& env, const ParseMemo& previous = {},
                              const std::vector<SharedTarget>& running = {});

// The same for the file at `path`; throws ConfigError also when it cannot be read.
LoadedConfig load_config_file_reusing(const std::string& path, const EnvLookup& env,
                                      const ParseMemo& previous = {},
                                      const std::vector<SharedTarget>& running = {});

}  // namespace epsitter
