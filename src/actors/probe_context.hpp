// What every target actor shares: the engine that sends requests, where results go, and defaults.
#pragma once

#include <caf/actor.hpp>
#include <chrono>
#include <string>

#include "config/defaults.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

class HttpEngine;
class ResultInbox;
class StartDelayHistogram;
class TokenCache;

// The engine, the token cache, the result inbox, the histogram and the logger are owned by main()
// and outlive every actor.
struct ProbeContext {
  HttpEngine* engine = nullptr;
  StartDelayHistogram* start_delays = nullptr;  // unset: not measured
  TokenCache* tokens = nullptr;                 // OAuth 2.0 tokens; targets with oauth2 need it
  ResultInbox* results = nullptr;               // where results go, for the metrics actor to take
  caf::actor metrics;                           // told when a batch of results waits in `results`
  spdlog::logger* log = nullptr;
  std::chrono::milliseconds interval = defaults::kPollInterval;
  std::chrono::milliseconds default_timeout = defaults::kRequestTimeout;
  std::string user_agent;
};

}  // namespace epsitter
