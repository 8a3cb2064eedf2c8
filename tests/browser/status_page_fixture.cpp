// Writes the status page of N synthetic targets with full histories to stdout (browser test input).
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "expect/evaluator.hpp"
#include "status/status_page.hpp"

using namespace epsitter;

namespace {

ProbeResult answer(int status, double seconds) {
  ProbeResult result;
  result.status_code = status;
  result.duration_seconds = seconds;
  return result;
}

ProbeResult no_answer(ProbeError error, double seconds) {
  ProbeResult result;
  result.error = error;
  result.duration_seconds = seconds;
  return result;
}

// One target in twelve is down (by turns refused, timing out, or answering 503), one in fifty is
// not probed yet; the rest are up with latencies that wander, as real ones do. HTTPS targets report
// a certificate expiring in 1 to 120 days.
ProbeResult next_result(std::size_t target, std::size_t probe, std::minstd_rand& random) {
  const double base = 0.002 + 0.001 * static_cast<double>(target % 40);
  const double latency = base * (1 + std::uniform_real_distribution<double>(0, 1.5)(random));
  const bool down = target % 12 == 5 && probe >= 100;
  if (!down) return answer(200, latency);
  switch (target / 12 % 3) {
    case 0:
      return no_answer(ProbeError::connection_refused, 0.0003);
    case 1:
      return no_answer(ProbeError::timeout, 5.0);
    default:
      return answer(503, latency);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  const auto now = WallClock::now();
  const auto interval = std::chrono::seconds(30);
  std::minstd_rand random{42};
  StatsByTarget stats;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string ns = "team-" + std::to_string(i % 20);
    const TargetLabels labels{
        "service-" + std::to_string(i), ns, i % 7 == 0 ? "POST" : "GET",
        "https://service-" + std::to_string(i) + "." + ns + ".svc.cluster.local:8443/healthz"};
    TargetStats& target = stats[labels];
    if (i % 50 == 49) continue;  // pending
    const std::size_t probes = target.history.capacity();
    const auto cert_days = static_cast<std::int64_t>(1 + i * 7 % 120);
    const std::int64_t not_after = WallClock::to_time_t(now) + cert_days * 86400;
    for (std::size_t p = 0; p < probes; ++p) {
      ProbeResult result = next_result(i, p, random);
      if (result.status_code != 0) {
        result.cert_not_after = not_after;
        result.cert = CertFacts{};
        result.cert->subject = "CN=" + labels.url.substr(8, labels.url.find(':', 8) - 8);
        result.cert->issuer = "CN=cluster CA";
        result.cert->leaf_not_after = not_after;
        result.cert->chain_not_after = not_after;
      }
      const Verdict verdict = evaluate(Expectations{}, result);
      target.record(result, verdict, {});
      target.history.record(result, verdict, now - interval * static_cast<int>(probes - p));
    }
  }
  std::cout << render_status_page(make_status_snapshot(stats), now);
  return 0;
}
