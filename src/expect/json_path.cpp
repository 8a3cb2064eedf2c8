// Reads a value out of a JSON document by a dotted path such as "checks.0.state".
#include "expect/json_path.hpp"

#include <charconv>
#include <system_error>

namespace epsitter {
namespace {

std::optional<std::size_t> array_index(const std::string& segment) {
  if (segment.empty() || segment.size() > 9) return std::nullopt;
  for (const char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (error != std::errc{} || end != segment.data() + segment.size()) return std::nullopt;
  return index;
}

// The deepest nesting of [ and { outside strings exceeds `max_depth`.
bool nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> split_json_path(std::string_view path) {
  if (path.empty()) throw std::invalid_argument("the path is empty");
  std::vector<std::string> segments(1);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '\\') {
      if (i + 1 == path.size()) throw std::invalid_argument("the path ends with a lone backslash");
      segments.back() += path[++i];
    } else if (c == '.') {
      if (segments.back().empty()) throw std::invalid_argument("the path has an empty segment");
      segments.emplace_back();
    } else {
      segments.back() += c;
    }
  }
  if (segments.back().empty()) throw std::invalid_argument("the path has an empty segment");
  return segments;
}

JsonPathPattern parse_json_path_pattern(std::string_view path) {
  JsonPathPattern pattern{split_json_path(path), {}};
  pattern.every.assign(pattern.segments.size(), false);
  // A second pass over the raw text: only it still knows which stars were escaped.
  std::size_t segment = 0;
  bool bare_star = false;
  const auto close_segment = [&] {
    if (!bare_star) return;
    if (pattern.segments[segment] != "*") {
      throw std::invalid_argument(
          "a * stands for a whole segment (items.*.state); write \\* for a star in a key");
    }
    pattern.every[segment] = true;
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '\\') {
      ++i;  // split_json_path checked that something follows
    } else if (c == '.') {
      close_segment();
      ++segment;
      bare_star = false;
    } else if (c == '*') {
      bare_star = true;
    }
  }
  close_segment();
  return pattern;
}

const nlohmann::json* json_child(const nlohmann::json& node, const std::string& segment) {
  if (node.is_object()) {
    const auto found = node.find(segment);
    return found == node.end() ? nullptr : &*found;
  }
  if (node.is_array()) {
    const std::optional<std::size_t> index = array_index(segment);
    if (!index || *index >= node.size()) return nullptr;
    return &node[*index];
  }
  return nullptr;
}

const nlohmann::json* find_json_path(const nlohmann::json& document,
                                     const std::vector<std::string>& segments) {
  const nlohmann::json* node = &document;
  for (const std::string& segment : segments) {
    node = json_child(*node, segment);
    if (node == nullptr) return nullptr;
  }
  return node;
}

std::optional<nlohmann::json> parse_json_body(std::string_view body, int max_depth) {
  if (nests_deeper_than(body, max_depth)) return std::nullopt;
  nlohmann::json document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return std::nullopt;
  return document;
}

}  // namespace epsitter
