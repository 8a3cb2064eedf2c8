// Reads what the process_* metrics report (CPU, memory, descriptors, start time) from /proc/self,
// the way prometheus_client's ProcessCollector does.
#include "metrics/process_stats.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <system_error>
#include <vector>

#include "metrics/family_writer.hpp"

namespace epsitter {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream file{path, std::ios::binary};
  if (!file) return std::nullopt;
  return std::string{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::optional<double> count_entries(const std::string& directory) {
  std::error_code error;
  std::filesystem::directory_iterator it{directory, error};
  if (error) return std::nullopt;
  double count = 0;
  for (; it != std::filesystem::directory_iterator{}; it.increment(error)) {
    if (error) return std::nullopt;
    ++count;
  }
  return count;
}

void sample(FamilyWriter& out, std::string_view name, std::string_view help, MetricType type,
            const std::optional<double>& value) {
  if (!value) return;
  out.family(name, help, type);
  out.sample(name, {}, *value);
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may contain anything, so fields are counted from the last
  // ')' on. Field 3 (state) is the first after it; utime is 14, stime 15, starttime 22, vsize 23,
  // rss 24 (proc(5)).
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream fields{std::string(text.substr(close + 1))};
  std::vector<std::string> words;
  for (std::string word; fields >> word;) words.push_back(word);
  constexpr std::size_t kFirst = 3;
  if (words.size() < 24 - kFirst + 1) return std::nullopt;
  const auto field = [&words](std::size_t number) { return words[number - kFirst]; };
  try {
    ProcStat stat;
    stat.utime_ticks = std::stoull(field(14));
    stat.stime_ticks = std::stoull(field(15));
    stat.start_ticks = std::stoull(field(22));
    stat.vsize_bytes = std::stoull(field(23));
    stat.rss_pages = std::stoll(field(24));
    return stat;
  } catch (const std::logic_error&) {  // invalid_argument, out_of_range
    return std::nullopt;
  }
}

std::optional<double> parse_boot_time(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("btime ", 0) == 0) {
      try {
        return static_cast<double>(std::stoull(line.substr(6)));
      } catch (const std::logic_error&) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

std::optional<double> parse_max_open_files(std::string_view text) {
  // "Max open files            1024                 1048576              files"
  std::istringstream lines{std::string(text)};
  std::string line;
  constexpr std::string_view kName = "Max open files";
  while (std::getline(lines, line)) {
    if (line.rfind(kName, 0) != 0) continue;
    std::istringstream values{line.substr(kName.size())};
    std::string soft;
    values >> soft;
    if (soft == "unlimited") return std::numeric_limits<double>::infinity();
    try {
      return static_cast<double>(std::stoull(soft));
    } catch (const std::logic_error&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

ProcessStats read_process_stats(const std::string& proc) {
  ProcessStats stats;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  const auto self = proc + "/self";
  if (const auto text = read_text(self + "/stat")) {
    if (const auto stat = parse_proc_stat(*text); stat && ticks > 0) {
      stats.cpu_seconds =
          static_cast<double>(stat->utime_ticks + stat->stime_ticks) / static_cast<double>(ticks);
      stats.virtual_memory_bytes = static_cast<double>(stat->vsize_bytes);
      stats.resident_memory_bytes =
          static_cast<double>(stat->rss_pages) * static_cast<double>(page);
      if (const auto boot = read_text(proc + "/stat")) {
        if (const auto btime = parse_boot_time(*boot)) {
          stats.start_time_seconds =
              *btime + static_cast<double>(stat->start_ticks) / static_cast<double>(ticks);
        }
      }
    }
  }
  stats.open_fds = count_entries(self + "/fd");
  if (const auto limits = read_text(self + "/limits")) {
    stats.max_fds = parse_max_open_files(*limits);
  }
  return stats;
}

void write_process_metrics(FamilyWriter& out, const ProcessStats& stats) {
  sample(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::gauge,
         stats.virtual_memory_bytes);
  sample(out, "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::gauge,
         stats.resident_memory_bytes);
  sample(out, "process_start_time_seconds",
         "Start time of the process since unix epoch in seconds.", MetricType::gauge,
         stats.start_time_seconds);
  sample(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
         MetricType::counter, stats.cpu_seconds);
  sample(out, "process_open_fds", "Number of open file descriptors.", MetricType::gauge,
         stats.open_fds);
  sample(out, "process_max_fds", "Maximum number of open file descriptors.", MetricType::gauge,
         stats.max_fds);
}

}  // namespace epsitter
