// Fuzz target: arbitrary environment values. settings_from_env returns settings within their
// documented ranges or throws SettingsError.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "config/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One value per line, in this order; missing lines leave the variable unset.
  static const char* const kNames[] = {"LOG_LEVEL", "POLL_INTERVAL",   "SERVER_PORT",
                                       "POOL_SIZE", "REQUEST_TIMEOUT", "METRIC_PREFIX"};
  std::vector<std::string> values;
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      values.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  values.push_back(current);
  auto lookup = [&values](const char* name) -> const char* {
    for (std::size_t i = 0; i < std::size(kNames) && i < values.size(); ++i) {
      if (std::strcmp(kNames[i], name) == 0) return values[i].c_str();
    }
    return nullptr;
  };
  try {
    const epsitter::Settings settings = epsitter::settings_from_env(lookup);
    const bool in_range = settings.poll_interval.count() > 0 &&
                          settings.request_timeout.count() > 0 && settings.server_port >= 0 &&
                          settings.server_port <= 65535 && settings.pool_size >= 1 &&
                          epsitter::is_valid_metric_prefix(settings.metric_prefix);
    if (!in_range) __builtin_trap();
  } catch (const epsitter::SettingsError&) {
  }
  return 0;
}
