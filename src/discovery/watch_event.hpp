// The Kubernetes watch protocol as data: a stream of newline-separated JSON events, each
// {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": {...}}.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace epsitter {

struct WatchEvent {
  enum class Type { added, modified, deleted, bookmark, error };
  Type type = Type::added;
  nlohmann::json object;  // the object; for ERROR a Status ({"code": 410, "reason": ...})
};

// Parses one event line. Returns false (and says why in `problem`) for anything else.
bool parse_watch_event(std::string_view line, WatchEvent& event, std::string& problem);

// metadata.resourceVersion of an object or a list ("" when absent).
std::string resource_version_of(const nlohmann::json& object);

// The HTTP code a Status object carries (0 when none): 410 means the resource version is too old.
int status_code_of(const nlohmann::json& status);

// Cuts a byte stream into lines, however the bytes arrive; a line longer than `max_line` is an
// error (a stream that sends no newline must not grow memory without bound).
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line) : max_line_(max_line) {}

  // Calls on_line for each complete line (without its \n; empty lines are skipped). Returns false
  // when on_line returned false or a line grew too long (then overflowed() says which).
  bool feed(std::string_view bytes, const std::function<bool(std::string_view)>& on_line);
  bool overflowed() const { return overflowed_; }

 private:
  std::size_t max_line_;
  std::string pending_;
  bool overflowed_ = false;
};

}  // namespace epsitter
