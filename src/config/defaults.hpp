// The defaults every layer shares, declared once: the environment's (as the original tool chose
// them) and a target's. Only constants, no dependencies, so that the engine and the web server
// can use them without depending on the config loader.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace epsitter::defaults {

inline constexpr std::chrono::milliseconds kPollInterval{30'000};        // POLL_INTERVAL
inline constexpr int kServerPort = 8989;                                 // SERVER_PORT
inline constexpr int kPoolSize = 5;                                      // POOL_SIZE
inline constexpr std::chrono::milliseconds kRequestTimeout{15'000};      // REQUEST_TIMEOUT
inline constexpr std::string_view kMetricPrefix = "sitter";              // METRIC_PREFIX
inline constexpr std::chrono::milliseconds kWebResponseTimeout{30'000};  // WEB_RESPONSE_TIMEOUT
inline constexpr std::int64_t kBodyLimitBytes = 1 << 20;                 // a target's body_limit

}  // namespace epsitter::defaults
