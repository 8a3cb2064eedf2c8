// Unit tests for the families about epsitter itself: build info, reload gauges, process_*.
#include <catch2/catch.hpp>

#include "metrics/runtime_metrics.hpp"

using namespace epsitter;

namespace {

ProcessStats some_process() {
  ProcessStats stats;
  stats.cpu_seconds = 1.5;
  stats.resident_memory_bytes = 2048;
  stats.virtual_memory_bytes = 4096;
  stats.start_time_seconds = 1700000000.25;
  stats.open_fds = 12;
  stats.max_fds = 1024;
  return stats;
}

}  // namespace

TEST_CASE("build info, reload gauges and process families are rendered", "[runtime]") {
  const std::string text = render_runtime_metrics("sitter", BuildInfo{"1.2.3", "abc123"},
                                                  ReloadGauges{true, 1700000100.5}, some_process());
  CHECK(text ==
        "# HELP sitter_build_info A metric with a constant '1' value labeled by version and "
        "revision from which epsitter was built.\n"
        "# TYPE sitter_build_info gauge\n"
        "sitter_build_info{revision=\"abc123\",version=\"1.2.3\"} 1.0\n"
        "# HELP sitter_config_last_reload_successful Whether the last configuration reload "
        "attempt was successful.\n"
        "# TYPE sitter_config_last_reload_successful gauge\n"
        "sitter_config_last_reload_successful 1.0\n"
        "# HELP sitter_config_last_reload_success_timestamp_seconds Timestamp of the last "
        "successful configuration reload.\n"
        "# TYPE sitter_config_last_reload_success_timestamp_seconds gauge\n"
        "sitter_config_last_reload_success_timestamp_seconds 1700000100.5\n"
        "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
        "# TYPE process_virtual_memory_bytes gauge\n"
        "process_virtual_memory_bytes 4096.0\n"
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes 2048.0\n"
        "# HELP process_start_time_seconds Start time of the process since unix epoch in "
        "seconds.\n"
        "# TYPE process_start_time_seconds gauge\n"
        "process_start_time_seconds 1700000000.25\n"
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 1.5\n"
        "# HELP process_open_fds Number of open file descriptors.\n"
        "# TYPE process_open_fds gauge\n"
        "process_open_fds 12.0\n"
        "# HELP process_max_fds Maximum number of open file descriptors.\n"
        "# TYPE process_max_fds gauge\n"
        "process_max_fds 1024.0\n");
}

TEST_CASE("a failed reload shows 0 and keeps the time of the last success", "[runtime]") {
  const std::string text = render_runtime_metrics("sitter", BuildInfo{"1", "r"},
                                                  ReloadGauges{false, 42}, ProcessStats{});
  CHECK_THAT(text, Catch::Contains("\nsitter_config_last_reload_successful 0.0\n"));
  CHECK_THAT(text, Catch::Contains("\nsitter_config_last_reload_success_timestamp_seconds 42.0\n"));
  CHECK_THAT(text, !Catch::Contains("process_"));
}

TEST_CASE("the metric prefix applies to epsitter's own families, not to process_*", "[runtime]") {
  const std::string text =
      render_runtime_metrics("probe", BuildInfo{"1", "r"}, ReloadGauges{}, some_process());
  CHECK_THAT(text, Catch::Contains("\nprobe_build_info{"));
  CHECK_THAT(text, Catch::Contains("\nprobe_config_last_reload_successful 0.0\n"));
  CHECK_THAT(text, Catch::Contains("\nprocess_open_fds 12.0\n"));
  CHECK_THAT(text, !Catch::Contains("sitter_"));
}
