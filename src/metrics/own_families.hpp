// epsitter's own families, rendered anew for every scrape from what they report on: how late
// probes start, the build, the last config reload, the process (process_*), discovery and sharding.
#pragma once

#include <functional>
#include <string>

#include "metrics/discovery_metrics.hpp"
#include "metrics/oauth2_metrics.hpp"
#include "metrics/process_stats.hpp"
#include "metrics/runtime_metrics.hpp"
#include "metrics/shard_metrics.hpp"
#include "metrics/start_delay.hpp"

namespace epsitter {

class FamilyWriter;

class OwnFamilies {
 public:
  // Where the figures that live outside src/metrics come from. Each is called at every render,
  // on whichever thread renders (a CivetWeb worker), so each must be thread-safe.
  struct Readers {
    std::function<ReloadGauges()> reload;
    std::function<DiscoveryGauges()> discovery;
    std::function<ProcessStats()> process = [] { return read_process_stats(); };
    std::function<OAuth2Counts()> oauth2 = [] { return OAuth2Counts{}; };
    std::function<ShardGauges()> shard;  // membership mode only; empty: not rendered
  };

  // `start_delays` must outlive this.
  OwnFamilies(std::string prefix, BuildInfo build, const StartDelayHistogram& start_delays,
              Readers readers);

  // The families' text, in /metrics' order: start delays, build and reload, process, discovery,
  // OAuth 2.0 token requests.
  std::string render() const;
  // The same families in any format; the caller finishes `out`.
  void write(FamilyWriter& out) const;

 private:
  std::string prefix_;
  BuildInfo build_;
  const StartDelayHistogram& start_delays_;
  Readers readers_;
};

}  // namespace epsitter
