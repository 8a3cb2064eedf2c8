// Unit tests for the discovery and shard families: every source shown, both error reasons, the
// last sync and this replica's targets.
#include <catch2/catch.hpp>

#include "metrics/discovery_metrics.hpp"

using namespace epsitter;
using Catch::Contains;

TEST_CASE("discovery and shard families are rendered with every source", "[discovery-metrics]") {
  DiscoveryGauges gauges;
  gauges.targets_by_source = {{"file", 3}, {"service", 7}};
  gauges.api_errors = 2;
  gauges.object_errors = 1;
  gauges.last_sync_unix_seconds = 1700000000.5;
  gauges.shard_targets = 4;
  const std::string text = render_discovery_metrics("sitter", gauges);
  CHECK_THAT(text, Contains("# TYPE sitter_discovery_targets gauge\n"
                            "sitter_discovery_targets{source=\"file\"} 3.0\n"
                            "sitter_discovery_targets{source=\"ingress\"} 0.0\n"
                            "sitter_discovery_targets{source=\"service\"} 7.0\n"));
  CHECK_THAT(text, Contains("# TYPE sitter_discovery_errors_total counter\n"
                            "sitter_discovery_errors_total{reason=\"api\"} 2.0\n"
                            "sitter_discovery_errors_total{reason=\"object\"} 1.0\n"));
  CHECK_THAT(text, Contains("\nsitter_discovery_last_sync_timestamp_seconds 1700000000.5\n"));
  CHECK_THAT(text, Contains("# TYPE sitter_shard_targets gauge\nsitter_shard_targets 4.0\n"));
}

TEST_CASE("the prefix applies to the discovery families", "[discovery-metrics]") {
  const std::string text = render_discovery_metrics("probe", DiscoveryGauges{});
  CHECK_THAT(text, Contains("\nprobe_shard_targets 0.0\n"));
  CHECK_THAT(text, !Contains("sitter_"));
}
