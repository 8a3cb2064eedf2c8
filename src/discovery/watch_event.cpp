// The Kubernetes watch protocol as data: a stream of newline-separated JSON events, each
// {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": {...}}.
#include "discovery/watch_event.hpp"

#include <array>
#include <utility>

namespace epsitter {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, WatchEvent::Type>, 5> kTypes{{
    {"ADDED", WatchEvent::Type::added},
    {"MODIFIED", WatchEvent::Type::modified},
    {"DELETED", WatchEvent::Type::deleted},
    {"BOOKMARK", WatchEvent::Type::bookmark},
    {"ERROR", WatchEvent::Type::error},
}};

}  // namespace

bool parse_watch_event(std::string_view line, WatchEvent& event, std::string& problem) {
  json parsed = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    problem = "a watch event that is not a JSON object";
    return false;
  }
  const auto type = parsed.find("type");
  const auto object = parsed.find("object");
  if (type == parsed.end() || !type->is_string() || object == parsed.end() ||
      !object->is_object()) {
    problem = "a watch event without a type or an object";
    return false;
  }
  const std::string type_text = type->get<std::string>();
  for (const auto& [name, value] : kTypes) {
    if (type_text != name) continue;
    event.type = value;
    event.object = std::move(*object);
    return true;
  }
  problem = "a watch event of unknown type \"" + type_text.substr(0, 32) + "\"";
  return false;
}

std::string resource_version_of(const json& object) {
  if (!object.is_object()) return "";
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  const auto version = metadata->find("resourceVersion");
  if (version == metadata->end() || !version->is_string()) return "";
  return version->get<std::string>();
}

int status_code_of(const json& status) {
  if (!status.is_object()) return 0;
  const auto code = status.find("code");
  if (code == status.end() || !code->is_number_integer()) return 0;
  return code->get<int>();
}

bool LineSplitter::feed(std::string_view bytes,
                        const std::function<bool(std::string_view)>& on_line) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (pending_.size() + piece.size() > max_line_) {
      overflowed_ = true;
      return false;
    }
    if (newline == std::string_view::npos) {
      pending_.append(piece);
      return true;
    }
    bytes.remove_prefix(newline + 1);
    std::string_view line = piece;
    if (!pending_.empty()) {
      pending_.append(piece);
      line = pending_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool go_on = line.empty() || on_line(line);
    pending_.clear();
    if (!go_on) return false;
  }
  return true;
}

}  // namespace epsitter
