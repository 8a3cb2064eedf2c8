// Cuts a config's text into the lines of each target under `urls:` and the rest (the "frame"), so
// that a reload can tell which targets' text changed and parse only those.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

struct TargetChunk {
  std::string_view name;  // the target's key, as written (a plain word)
  std::string_view text;  // its lines: from its key's line up to the next target's key line
};

struct TargetChunks {
  std::string frame;                 // every other line, in order: `urls:` with nothing under it
  std::vector<TargetChunk> targets;  // in file order; names are unique
};

// The chunks of `text` when its layout makes each target's lines mean on their own what they mean
// in the file: a block map at column 0 with one `urls:` key, whose targets are plain-word keys all
// at one indentation, no alias (`*name`, which could refer to another target's anchor), no tab,
// no BOM, no document marker or directive. Nothing for anything else, including YAML that is not
// valid: the caller then parses the whole text, which reports errors with the file's lines.
// The views in the result point into `text`.
std::optional<TargetChunks> split_target_chunks(std::string_view text);

}  // namespace epsitter
