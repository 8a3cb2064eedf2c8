// Unit tests for epsitter's own families: every family in /metrics' order, each figure read anew at
// every render.
#include <catch2/catch.hpp>
#include <string>

#include "metrics/own_families.hpp"

using namespace epsitter;
using Catch::Contains;

namespace {

ProcessStats some_process() {
  ProcessStats stats;
  stats.cpu_seconds = 1.5;
  stats.resident_memory_bytes = 2048;
  stats.open_fds = 12;
  return stats;
}

DiscoveryGauges some_discovery() {
  DiscoveryGauges gauges;
  gauges.targets_by_source = {{"file", 7}};
  gauges.api_errors = 2;
  gauges.shard_targets = 5;
  return gauges;
}

}  // namespace

TEST_CASE("own families are the start delays, build and reload, process and discovery, in order") {
  StartDelayHistogram start_delays;
  start_delays.observe(std::chrono::milliseconds(3));
  const BuildInfo build{"1.2.3", "abc", 2, 3};
  OwnFamilies::Readers readers;
  readers.reload = [] { return ReloadGauges{true, 1700000100.5}; };
  readers.discovery = some_discovery;
  readers.process = some_process;
  const OwnFamilies own{"sitter", build, start_delays, readers};

  const std::string text = own.render();
  CHECK(text == start_delays.render("sitter") +
                    render_runtime_metrics("sitter", build, ReloadGauges{true, 1700000100.5},
                                           some_process()) +
                    render_discovery_metrics("sitter", some_discovery()));
  CHECK(text.rfind("# HELP sitter_probe_start_delay_seconds ", 0) == 0);
  CHECK_THAT(text, Contains("sitter_probe_start_delay_seconds_bucket{le=\"0.005\"} 1.0\n"));
  CHECK_THAT(text, Contains("sitter_build_info{revision=\"abc\",shard=\"2\",shard_count=\"3\","
                            "version=\"1.2.3\"} 1.0\n"));
  CHECK_THAT(text,
             Contains("\nsitter_config_last_reload_success_timestamp_seconds 1700000100.5\n"));
  CHECK_THAT(text, Contains("\nprocess_cpu_seconds_total 1.5\n"));
  CHECK_THAT(text, Contains("\nsitter_discovery_targets{source=\"file\"} 7.0\n"));
  CHECK_THAT(text, Contains("\nsitter_shard_targets 5.0\n"));
  const auto at = [&text](const char* family) {
    return text.find("# TYPE " + std::string{family});
  };
  CHECK(at("sitter_probe_start_delay_seconds") < at("sitter_build_info"));
  CHECK(at("sitter_build_info") < at("sitter_config_last_reload_successful"));
  CHECK(at("sitter_config_last_reload_success_timestamp_seconds") <
        at("process_cpu_seconds_total"));
  CHECK(at("process_max_fds") == std::string::npos);  // unread figures are left out
  CHECK(at("process_open_fds") < at("sitter_discovery_targets"));
  CHECK(at("sitter_discovery_targets") < at("sitter_shard_targets"));
}

TEST_CASE("own families read their figures anew at every render") {
  StartDelayHistogram start_delays;
  int reloads = 0;
  OwnFamilies::Readers readers;
  readers.reload = [&reloads] { return ReloadGauges{++reloads % 2 == 1, 0}; };
  readers.discovery = [] { return DiscoveryGauges{}; };
  readers.process = [] { return ProcessStats{}; };
  const OwnFamilies own{"probe", BuildInfo{"1", "r"}, start_delays, readers};

  CHECK_THAT(own.render(), Contains("\nprobe_config_last_reload_successful 1.0\n"));
  start_delays.observe(std::chrono::seconds(1));
  const std::string again = own.render();
  CHECK_THAT(again, Contains("\nprobe_config_last_reload_successful 0.0\n"));
  CHECK_THAT(again, Contains("\nprobe_probe_start_delay_seconds_count 1.0\n"));
  CHECK(reloads == 2);
}

TEST_CASE("by default the process families are this process's") {
  StartDelayHistogram start_delays;
  OwnFamilies::Readers readers;
  readers.reload = [] { return ReloadGauges{}; };
  readers.discovery = [] { return DiscoveryGauges{}; };
  const OwnFamilies own{"sitter", BuildInfo{"1", "r"}, start_delays, readers};
  const std::string text = own.render();
  CHECK_THAT(text, Contains("# TYPE process_cpu_seconds_total counter\n"));
  CHECK_THAT(text, Contains("# TYPE process_resident_memory_bytes gauge\n"));
}

TEST_CASE("the token endpoint families follow discovery once a token was asked for, never before",
          "[oauth2]") {
  StartDelayHistogram start_delays;
  OAuth2Counts counts;
  OwnFamilies::Readers readers;
  readers.reload = [] { return ReloadGauges{}; };
  readers.discovery = [] { return DiscoveryGauges{}; };
  readers.process = [] { return ProcessStats{}; };
  readers.oauth2 = [&counts] { return counts; };
  const OwnFamilies own{"sitter", BuildInfo{"1", "r"}, start_delays, readers};
  CHECK(own.render().find("oauth2") == std::string::npos);

  counts.requests[{"http://idp/token", 200}] = 3;
  counts.requests[{"http://idp/token", 500}] = 2;
  counts.requests[{"http://other/token", 0}] = 1;
  counts.failures["http://idp/token"] = 2;
  const std::string text = own.render();
  CHECK_THAT(text, Contains("# TYPE sitter_oauth2_token_requests_total counter\n"));
  CHECK_THAT(text, Contains("\nsitter_oauth2_token_requests_total{token_url=\"http://idp/token\","
                            "status=\"500\"} 2.0\n"));
  CHECK_THAT(text, Contains("\nsitter_oauth2_token_requests_total{token_url=\"http://other/token\","
                            "status=\"0\"} 1.0\n"));
  CHECK_THAT(
      text, Contains("\nsitter_oauth2_token_failures_total{token_url=\"http://idp/token\"} 2.0\n"));
  // An endpoint that never failed has its series at 0, so that the first failure is a rise.
  CHECK_THAT(
      text,
      Contains("\nsitter_oauth2_token_failures_total{token_url=\"http://other/token\"} 0.0\n"));
  CHECK(text.find("# TYPE sitter_shard_targets") < text.find("# TYPE sitter_oauth2"));
}

TEST_CASE("lease mode adds the membership families after discovery, with the own prefix") {
  StartDelayHistogram start_delays;
  OwnFamilies::Readers readers;
  readers.reload = [] { return ReloadGauges{true, 1.0}; };
  readers.discovery = some_discovery;
  readers.process = some_process;
  const std::string without = OwnFamilies{"probe", BuildInfo{}, start_delays, readers}.render();
  CHECK(without.find("probe_shard_members") == std::string::npos);

  readers.shard = [] { return ShardGauges{3, 4, "lost"}; };
  const std::string text = OwnFamilies{"probe", BuildInfo{}, start_delays, readers}.render();
  CHECK_THAT(text, Contains("# TYPE probe_shard_members gauge\nprobe_shard_members 3.0\n"));
  CHECK_THAT(text, Contains("# TYPE probe_shard_changes_total counter\n"
                            "probe_shard_changes_total 4.0\n"));
  CHECK_THAT(text, Contains("probe_shard_membership{state=\"joining\"} 0.0\n"
                            "probe_shard_membership{state=\"lost\"} 1.0\n"
                            "probe_shard_membership{state=\"member\"} 0.0\n"));
  CHECK(text.find("# TYPE probe_shard_targets") < text.find("# TYPE probe_shard_members"));
}
