// Reads what the process_* metrics report (CPU, memory, descriptors, start time) from /proc/self,
// the way prometheus_client's ProcessCollector does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace epsitter {

class FamilyWriter;

// Each field is unset when its source could not be read (e.g. no /proc).
struct ProcessStats {
  std::optional<double> cpu_seconds;  // user + system
  std::optional<double> resident_memory_bytes;
  std::optional<double> virtual_memory_bytes;
  std::optional<double> start_time_seconds;  // since the Unix epoch
  std::optional<double> open_fds;
  std::optional<double> max_fds;  // the soft limit
};

// The fields of /proc/[pid]/stat that matter here, in the kernel's units.
struct ProcStat {
  unsigned long long utime_ticks = 0;
  unsigned long long stime_ticks = 0;
  unsigned long long start_ticks = 0;  // after boot
  unsigned long long vsize_bytes = 0;
  long long rss_pages = 0;
};

// Parses /proc/[pid]/stat; the command name may hold spaces and parentheses. nullopt if malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// The `btime` line of /proc/stat: boot time in seconds since the Unix epoch.
std::optional<double> parse_boot_time(std::string_view text);
// The soft "Max open files" limit from /proc/[pid]/limits ("unlimited" is +Inf).
std::optional<double> parse_max_open_files(std::string_view text);

// Reads this process's numbers now. `proc` is the procfs mount point (a test may point elsewhere).
ProcessStats read_process_stats(const std::string& proc = "/proc");

// Appends the process_* families, prometheus_client's names and help texts, unprefixed.
void write_process_metrics(FamilyWriter& out, const ProcessStats& stats);

}  // namespace epsitter
