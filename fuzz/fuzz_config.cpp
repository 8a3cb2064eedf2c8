// Fuzz target: any text as a config file. The loader must return valid targets or throw
// ConfigError, nothing else: no crash, no hang, no other exception, no runaway memory.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config_loader.hpp"

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Schemes are case-insensitive ("HTTPS://" is valid), so the check is too.
bool is_http_url(const std::string& url) {
  const std::string head = lower(url.substr(0, 8));
  return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

// The url label must never carry credentials: no '@' may be left in its authority.
bool label_has_userinfo(const std::string& url) {
  const std::size_t begin = url.find("://");
  if (begin == std::string::npos) return false;
  const std::size_t end = url.find_first_of("/?#", begin + 3);
  return url.substr(begin + 3, end == std::string::npos ? end : end - begin - 3).find('@') !=
         std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const epsitter::Config config = epsitter::parse_config(text, "fuzz.yaml");
    if (config.targets.empty()) __builtin_trap();
    for (const auto& target : config.targets) {
      if (target.labels.name.empty() || !is_http_url(target.url)) __builtin_trap();
      if (!is_http_url(target.labels.url) || label_has_userinfo(target.labels.url)) {
        __builtin_trap();
      }
      if (target.timeout && target.timeout->count() <= 0) __builtin_trap();
    }
  } catch (const epsitter::ConfigError&) {
  }
  return 0;
}
