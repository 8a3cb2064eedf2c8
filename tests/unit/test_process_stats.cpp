// Unit tests for the /proc readers behind process_*: parsing, and plausible values for ourselves.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>

#include "metrics/text_family_writer.hpp"
#include "metrics/process_stats.hpp"

using namespace epsitter;

TEST_CASE("proc stat fields are counted after the command name, which may hold spaces",
          "[process]") {
  // A command name with spaces and a ')' of its own, as prctl allows.
  const std::string text =
      "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 120 0 0 20 0 9 0 "
      "777 123456789 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto stat = parse_proc_stat(text);
  REQUIRE(stat);
  CHECK(stat->utime_ticks == 250);
  CHECK(stat->stime_ticks == 120);
  CHECK(stat->start_ticks == 777);
  CHECK(stat->vsize_bytes == 123456789);
  CHECK(stat->rss_pages == 321);
}

TEST_CASE("a truncated or garbled proc stat is rejected, not misread", "[process]") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("4242 (name) S 1 2 3"));
  CHECK_FALSE(parse_proc_stat(
      "1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 1 0 0 20 0 1 0 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0 0"));
}

TEST_CASE("boot time comes from the btime line", "[process]") {
  CHECK(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n") == 1700000000.0);
  CHECK_FALSE(parse_boot_time("cpu 1 2 3\n"));
}

TEST_CASE("the soft open-files limit is read from proc limits", "[process]") {
  const std::string limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max processes             95000                95000                processes \n"
      "Max open files            1024                 1048576              files     \n";
  CHECK(parse_max_open_files(limits) == 1024.0);
  CHECK(
      std::isinf(*parse_max_open_files("Max open files            unlimited            "
                                       "unlimited            files\n")));
  CHECK_FALSE(parse_max_open_files("Max processes 1 1 processes\n"));
}

TEST_CASE("our own process reads back plausible numbers", "[process]") {
  const ProcessStats before = read_process_stats();
  REQUIRE(before.open_fds);
  REQUIRE(before.max_fds);
  REQUIRE(before.resident_memory_bytes);
  REQUIRE(before.virtual_memory_bytes);
  REQUIRE(before.start_time_seconds);
  REQUIRE(before.cpu_seconds);
  CHECK(*before.resident_memory_bytes > 0);
  CHECK(*before.virtual_memory_bytes >= *before.resident_memory_bytes);
  CHECK(*before.max_fds >= *before.open_fds);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(*before.start_time_seconds <= now + 1);
  CHECK(*before.start_time_seconds > now - 24 * 3600);  // started today, give or take

  // One more descriptor open shows up in the count.
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const ProcessStats after = read_process_stats();
  ::close(fd);
  CHECK(*after.open_fds == *before.open_fds + 1);
}

TEST_CASE("without procfs the process families are left out, not invented", "[process]") {
  const ProcessStats stats = read_process_stats("/nonexistent-proc");
  CHECK_FALSE(stats.cpu_seconds);
  CHECK_FALSE(stats.open_fds);
  TextFamilyWriter out;
  write_process_metrics(out, stats);
  CHECK(out.take().empty());
}
