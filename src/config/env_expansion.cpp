// ${VAR} expansion in config values, so that secrets can come from the environment.
#include "config/env_expansion.hpp"

#include <string_view>

#include "text/ascii.hpp"

namespace epsitter {
namespace {

bool is_name_start(char c) {
  return text::is_ascii_alpha(c) || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// The variable name at `open` (the position of "${"), and where the text after "}" starts.
std::string_view variable_at(const std::string& text, std::size_t open, std::size_t& after) {
  const std::size_t close = text.find('}', open + 2);
  if (close == std::string::npos) {
    throw EnvExpansionError(
        "has a \"${\" without its closing \"}\" (value not shown; write $${ "
        "for a literal ${)");
  }
  const std::string_view name = std::string_view{text}.substr(open + 2, close - open - 2);
  if (!is_valid_name(name)) {
    throw EnvExpansionError(
        "has ${...} around something that is not a variable name (letters, digits, _; value "
        "not shown)");
  }
  after = close + 1;
  return name;
}

}  // namespace

std::string expand_env(const std::string& text, const EnvLookup& env, std::size_t max_bytes) {
  if (text.find("${") == std::string::npos) return text;  // the common case, and no escapes
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t dollar = text.find('$', pos);
    if (dollar == std::string::npos) break;
    // A run of dollars before "{": each pair is one literal dollar; an odd one out opens ${NAME}.
    std::size_t run_end = dollar;
    while (run_end < text.size() && text[run_end] == '$') ++run_end;
    const std::size_t run = run_end - dollar;
    out.append(text, pos, dollar - pos);
    if (run_end >= text.size() || text[run_end] != '{') {
      out.append(run, '$');
      pos = run_end;
      continue;
    }
    out.append(run / 2, '$');
    if (run % 2 == 0) {
      out += '{';
      pos = run_end + 1;
      continue;
    }
    std::size_t after = 0;
    const std::string name{variable_at(text, run_end - 1, after)};
    const char* value = env ? env(name.c_str()) : nullptr;
    if (value == nullptr) {
      throw EnvExpansionError("uses ${" + name + "}, but the environment variable " + name +
                              " is not set");
    }
    const std::size_t length = std::char_traits<char>::length(value);
    if (length > max_bytes || out.size() > max_bytes - length) {
      throw EnvExpansionError(
          "grows past what the config may hold once its ${...} are replaced (value not shown)");
    }
    out.append(value, length);
    pos = after;
  }
  if (pos < text.size()) out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace epsitter
