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
class StartDelayHistogram;

// The engine, the histogram and the logger are owned by main() and outlive every actor.
struct ProbeContext {
  HttpEngine* engine = nullptr;
  StartDelayHistogram* start_delays = nullptr;  // unset: not measured
  caf::actor metrics;
  caf::actor alarms;  // the alarm clock actor: wakes each target actor for its next probe
  spdlog::logger* log = nullptr;
  std::chrono::milliseconds interval = defaults::kPollInterval;
  std::chrono::milliseconds default_timeout = defaults::kRequestTimeout;
  std::string user_agent;
};

}  // namespace epsitter
