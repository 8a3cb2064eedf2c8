// Loading a config again after a change: only the targets whose own lines changed are parsed, the
// others are taken over from the running ones. A 10,000-target file takes ~0.15 s to parse whole;
// a reload that changes one target then costs about what that one target costs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config_loader.hpp"
#include "config/target_chunks.hpp"

namespace epsitter {

// What a load remembers of the text its targets came from: the frame (everything but the targets'
// lines) and a digest of each target's lines. Only what parsing again would certainly give again
// is remembered: nothing when the frame reads the environment or a file (${VAR}, *_file, or a
// backslash escape that could spell either), and no target whose own lines do.
class ParseMemo {
 public:
  ParseMemo() = default;  // remembers nothing: the next load parses everything
  explicit ParseMemo(const TargetChunks& chunks);

  // True when `chunk`, under the frame `frame`, is the text the memo's target of that name was
  // parsed from, and that text reads nothing outside itself.
  bool unchanged(std::string_view frame, const TargetChunk& chunk) const;
  bool same_frame(std::string_view frame) const { return known_ && frame == frame_; }
  std::size_t size() const { return digests_.size(); }

 private:
  struct Digest {
    std::uint64_t first = 0;  // two unrelated 64-bit hashes and the length
    std::uint64_t second = 0;
    std::size_t length = 0;
    friend bool operator==(const Digest& a, const Digest& b) {
      return a.first == b.first && a.second == b.second && a.length == b.length;
    }
  };
  static Digest digest_of(std::string_view text);

  bool known_ = false;
  std::string frame_;
  std::unordered_map<std::string, Digest> digests_;  // by target name
};

struct LoadedConfig {
  Config config;
  ParseMemo memo;                  // for the next load, once this config runs
  std::size_t targets_parsed = 0;  // parsed from text; the others were taken over
};

// parse_config's result for `text`; with `previous` (the memo of the config now running) and
// `running` (its targets) each target whose lines are unchanged is copied from the running one
// instead of parsed. Anything the shortcut cannot take (another layout, a changed frame, an error)
// is parsed whole by parse_config, so errors and results are exactly parse_config's. Throws
// ConfigError.
LoadedConfig load_config_text(const std::string& text, const std::string& file_name,
                              const EnvLookup& env, const ParseMemo& previous = {},
                              const std::vector<SharedTarget>& running = {});

// The same for the file at `path`; throws ConfigError also when it cannot be read.
LoadedConfig load_config_file_reusing(const std::string& path, const EnvLookup& env,
                                      const ParseMemo& previous = {},
                                      const std::vector<SharedTarget>& running = {});

}  // namespace epsitter
