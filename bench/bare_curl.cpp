// The bare-minimum prober: libcurl's multi interface probing N URLs on epsitter's schedule, nothing
// else.
//
// The baseline that epsitter's CPU per probe is measured against (bench/whole_bill.py): the same
// work (each URL every INTERVAL s at its own phase, a fresh connection per probe, timeout, body
// discarded) with no actors, no metrics, no scrape, one thread.
//
//   bare_curl [--interval S] [--duration S] [--timeout S] (--file URLS | URL...)
//
// Prints one line when DURATION has passed: done=<transfers finished> ok=<2xx among them>
// planned=<probes due> skipped=<due while the target's last probe still ran>.
//
// curl_multi_poll rather than socket_action with epoll (epsitter's engine): with a fresh loopback
// connection per probe only a handful of transfers are in flight at a time, so polling their few
// sockets costs no more than epoll would, and it is the least code that does the job; the
// baseline must not be slower than epsitter's engine because of a choice made here.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Multi = std::unique_ptr<CURLM, MultiDeleter>;

// curl_global_init/cleanup around everything else, as libcurl asks.
class CurlGlobal {
 public:
  CurlGlobal() : ok_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

struct Options {
  double interval = 15;
  double duration = 60;
  long timeout_ms = 5000;
  std::vector<std::string> urls;
};

struct Target {
  std::string url;
  Easy in_flight;  // the running probe's handle; empty between probes
};

struct Counts {
  long long done = 0;
  long long ok = 0;
  long long planned = 0;
  long long skipped = 0;
};

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

bool read_urls(const std::string& path, std::vector<std::string>& urls) {
  std::ifstream in(path);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) urls.push_back(line);
  }
  return true;
}

// Returns false (after saying why) on a bad command line.
bool parse(int argc, char** argv, Options& options) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--interval" && has_value) {
      options.interval = std::atof(args[++i].c_str());
    } else if (arg == "--duration" && has_value) {
      options.duration = std::atof(args[++i].c_str());
    } else if (arg == "--timeout" && has_value) {
      options.timeout_ms = static_cast<long>(std::atof(args[++i].c_str()) * 1000);
    } else if (arg == "--file" && has_value) {
      if (!read_urls(args[++i], options.urls)) {
        std::fprintf(stderr, "bare_curl: cannot read %s\n", args[i].c_str());
        return false;
      }
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "bare_curl: unknown or incomplete option %s\n", arg.c_str());
      return false;
    } else {
      options.urls.push_back(arg);
    }
  }
  if (options.urls.empty() || options.interval <= 0 || options.duration <= 0 ||
      options.timeout_ms <= 0) {
    std::fprintf(
        stderr,
        "usage: bare_curl [--interval S] [--duration S] [--timeout S] (--file URLS | URL...)\n");
    return false;
  }
  return true;
}

// The options epsitter's engine sets for a default probe (src/probe/transfer.cpp), minus what
// only its features need (cookies, header capture, TLS chain recording, redirects by hand).
Easy start_probe(Target& target, long timeout_ms) {
  Easy easy{curl_easy_init()};
  if (!easy) return easy;
  CURL* e = easy.get();
  bool ok = true;
  auto set = [&ok](CURLcode code) { ok = ok && code == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_URL, target.url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L));
  set(curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L));
  set(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms));
  set(curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1)));
  set(curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L));
  set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard));
  set(curl_easy_setopt(e, CURLOPT_PRIVATE, &target));
  if (!ok) easy.reset();
  return easy;
}

// Collects finished transfers: counts them and frees their handles.
void reap(CURLM* multi, Counts& counts) {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    char* owner = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    ++counts.done;
    if (message->data.result == CURLE_OK && status >= 200 && status < 300) ++counts.ok;
    curl_multi_remove_handle(multi, easy);
    reinterpret_cast<Target*>(owner)->in_flight.reset();  // frees `easy`
  }
}

Counts run(const Options& options) {
  Counts counts;
  Multi multi{curl_multi_init()};
  if (!multi) return counts;
  std::vector<Target> targets;
  targets.reserve(options.urls.size());
  for (const std::string& url : options.urls) targets.push_back(Target{url, nullptr});

  // Probe k (k = 0, 1, ...) goes to target k % N at start + k * INTERVAL / N: each target keeps
  // its own phase, the phases spread evenly over the interval, as epsitter spreads them.
  const auto step = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.interval / static_cast<double>(targets.size())));
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.duration));
  Clock::rep next = 0;  // the number of probes due so far
  for (Clock::time_point now = start; now < end; now = Clock::now()) {
    for (; start + next * step <= now; ++next) {
      Target& target = targets[static_cast<std::size_t>(next) % targets.size()];
      ++counts.planned;
      if (target.in_flight) {
        ++counts.skipped;
        continue;
      }
      target.in_flight = start_probe(target, options.timeout_ms);
      if (target.in_flight) curl_multi_add_handle(multi.get(), target.in_flight.get());
    }
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    reap(multi.get(), counts);
    const Clock::time_point due = std::min(start + next * step, end);
    // Rounded up: a wait truncated to 0 ms would spin until the next probe is due.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now());
    // curl_multi_poll returns early when a socket is ready or libcurl's own timer (connect or
    // transfer timeout) is due sooner; its timeout is only our schedule's bound.
    curl_multi_poll(multi.get(), nullptr, 0,
                    static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, wait.count())),
                    nullptr);
  }
  // Transfers still running at the end are neither done nor counted; their handles leave the
  // multi before it is cleaned up.
  for (Target& target : targets) {
    if (target.in_flight) curl_multi_remove_handle(multi.get(), target.in_flight.get());
  }
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) return 2;
  const CurlGlobal global;
  if (!global.ok()) {
    std::fprintf(stderr, "bare_curl: curl_global_init failed\n");
    return 1;
  }
  const Counts counts = run(options);
  std::printf("done=%lld ok=%lld planned=%lld skipped=%lld\n", counts.done, counts.ok,
              counts.planned, counts.skipped);
  return 0;
}
