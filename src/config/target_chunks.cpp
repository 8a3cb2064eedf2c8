// Cuts a config's text into the lines of each target under `urls:` and the rest (the "frame").
#include "config/target_chunks.hpp"

#include <unordered_set>

namespace epsitter {
namespace {

struct Line {
  std::string_view whole;    // with its line break
  std::string_view content;  // without it (and without a CR before it)
};

Line line_at(std::string_view text, std::size_t start) {
  const std::size_t newline = text.find('\n', start);
  const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
  std::string_view content =
      text.substr(start, (newline == std::string_view::npos ? end : newline) - start);
  if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
  return {text.substr(start, end - start), content};
}

std::size_t indentation(std::string_view content) {
  const std::size_t first = content.find_first_not_of(' ');
  return first == std::string_view::npos ? content.size() : first;
}

// Blank or a comment: it takes no part in the YAML structure.
bool is_filler(std::string_view content) {
  const std::size_t first = content.find_first_not_of(' ');
  return first == std::string_view::npos || content[first] == '#';
}

// What may follow a key's colon for the line to be just that key: nothing, or a space and more.
bool ends_key(std::string_view rest) {
  return rest.empty() || rest.front() == ' ';
}

bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_word_char(char c) {
  return is_word_start(c) || c == '-' || c == '.' || c == '/';
}

// The key that starts `content` at `column` when it is a word, plain or quoted ("web", 'web'), or
// nothing (a key with spaces or escapes, a complex key, a list item, a flow collection: anything
// the word would not read the same as).
std::optional<std::string_view> plain_key(std::string_view content, std::size_t column) {
  const std::string_view rest = content.substr(column);
  const char quote =
      !rest.empty() && (rest.front() == '"' || rest.front() == '\'') ? rest.front() : 0;
  const std::size_t begin = quote != 0 ? 1 : 0;
  if (begin >= rest.size() || !is_word_start(rest[begin])) return std::nullopt;
  std::size_t end = begin + 1;
  while (end < rest.size() && is_word_char(rest[end])) ++end;
  const std::size_t colon = quote != 0 ? end + 1 : end;
  if (quote != 0 && (end >= rest.size() || rest[end] != quote)) return std::nullopt;
  if (colon >= rest.size() || rest[colon] != ':' || !ends_key(rest.substr(colon + 1))) {
    return std::nullopt;
  }
  return rest.substr(begin, end - begin);
}

// `urls:` at column 0 with nothing but a comment after it: the start of the targets' block.
bool opens_urls_block(std::string_view content) {
  if (content.substr(0, 5) != "urls:") return false;
  return is_filler(content.substr(5));
}

// Text whose meaning could depend on lines outside a target's own: an alias can name an anchor
// anywhere before it, a directive or document marker changes what follows, tabs and a BOM make
// indentation and column 0 mean other than they look here.
bool has_cross_line_syntax(std::string_view text) {
  if (text.find('\t') != std::string_view::npos) return true;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return true;
  for (std::size_t star = text.find('*'); star != std::string_view::npos;
       star = text.find('*', star + 1)) {
    // Conservative: `*` where a node may start, even inside a plain scalar ("a *b").
    const char before = star == 0 ? '\n' : text[star - 1];
    if (before == '\n' || before == ' ' || before == '[' || before == '{' || before == ',') {
      return true;
    }
  }
  for (std::size_t start = 0; start < text.size();) {
    const std::string_view rest = text.substr(start);
    if (rest.substr(0, 3) == "---" || rest.substr(0, 3) == "..." || rest.front() == '%') {
      return true;
    }
    const std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return false;
}

}  // namespace

std::optional<TargetChunks> split_target_chunks(std::string_view text) {
  if (has_cross_line_syntax(text)) return std::nullopt;
  enum class Part { before, urls, after } part = Part::before;
  TargetChunks chunks;
  chunks.frame.reserve(256);
  std::unordered_set<std::string_view> names;
  std::size_t target_indent = 0;  // 0: not known yet
  std::size_t chunk_start = 0;
  const auto close_chunk = [&](std::size_t end) {
    if (!chunks.targets.empty()) {
      TargetChunk& last = chunks.targets.back();
      last.text = text.substr(chunk_start, end - chunk_start);
    }
  };
  for (std::size_t start = 0; start < text.size();) {
    const Line line = line_at(text, start);
    const std::size_t next = start + line.whole.size();
    const std::size_t indent = indentation(line.content);
    const bool filler = is_filler(line.content);
    if (part == Part::urls && !filler && indent == 0) {
      close_chunk(start);
      part = Part::after;
    }
    if (part != Part::urls) {
      if (!filler && indent == 0 && opens_urls_block(line.content)) {
        if (part == Part::after) return std::nullopt;  // a second `urls:` key
        part = Part::urls;
      }
      chunks.frame.append(line.whole);
    } else if (filler) {
      if (chunks.targets.empty()) chunks.frame.append(line.whole);  // before the first target
    } else {
      if (target_indent == 0) target_indent = indent;
      if (indent < target_indent) return std::nullopt;
      if (indent == target_indent) {
        const auto name = plain_key(line.content, indent);
        if (!name || !names.insert(*name).second) return std::nullopt;
        close_chunk(start);
        chunks.targets.push_back({*name, {}});
        chunk_start = start;
      } else if (chunks.targets.empty()) {
        return std::nullopt;
      }
    }
    start = next;
  }
  if (part == Part::urls) close_chunk(text.size());
  if (chunks.targets.empty()) return std::nullopt;
  return chunks;
}

}  // namespace epsitter
