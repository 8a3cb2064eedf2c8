// Unit tests for per-target aggregation of probe results.
#include <catch2/catch.hpp>

#include "metrics/target_stats.hpp"
#include "probe_results.hpp"

using namespace epsitter;
using epsitter::testing::result;

namespace {

const std::vector<double> kBounds{0.1, 0.5, 1};

Verdict ok() {
  return Verdict{};
}

Verdict failed(FailureReason reason) {
  return Verdict{reason, "why"};
}

}  // namespace

TEST_CASE("every probe counts and adds its duration; responses by status, failures by reason") {
  TargetStats stats;
  stats.record(result(ProbeError::none, 200, 0.5), ok(), kBounds);
  stats.record(result(ProbeError::none, 503, 0.25), failed(FailureReason::status), kBounds);
  stats.record(result(ProbeError::none, 200, 0.25), ok(), kBounds);
  stats.record(result(ProbeError::timeout, 0, 2.0), failed(FailureReason::timeout), kBounds);
  CHECK(stats.probes == 4);
  CHECK(stats.duration_sum_seconds == Approx(3.0));
  CHECK(stats.status_codes.at(200) == 2);
  CHECK(stats.status_codes.at(503) == 1);
  CHECK(stats.status_codes.count(0) == 0);
  CHECK(stats.no_response == 1);
  CHECK(stats.failures.at(FailureReason::status) == 1);
  CHECK(stats.failures.at(FailureReason::timeout) == 1);
}

TEST_CASE("consecutive failures count up and a success resets them") {
  TargetStats stats;
  stats.record(result(ProbeError::none, 500, 0.1), failed(FailureReason::status), kBounds);
  stats.record(result(ProbeError::dns, 0, 0.1), failed(FailureReason::dns), kBounds);
  stats.record(result(ProbeError::none, 200, 0.1), failed(FailureReason::body), kBounds);
  CHECK(stats.consecutive_failures == 3);
  REQUIRE(stats.last);
  CHECK_FALSE(stats.last->success);
  CHECK(stats.last->failure == FailureReason::body);
  stats.record(result(ProbeError::none, 200, 0.1), ok(), kBounds);
  CHECK(stats.consecutive_failures == 0);
  CHECK(stats.last->success);
}

TEST_CASE("histogram buckets are upper bounds inclusive, with +Inf last") {
  TargetStats stats;
  for (const double seconds : {0.05, 0.1, 0.3, 1.0, 7.0, 9.0}) {
    stats.record(result(ProbeError::none, 200, seconds), ok(), kBounds);
  }
  CHECK(stats.duration_counts == std::vector<std::uint64_t>{2, 1, 1, 2});
  CHECK(stats.histogram_sum_seconds == Approx(17.45));
  stats.reset_histogram();
  stats.record(result(ProbeError::none, 200, 0.2), ok(), {1});
  CHECK(stats.duration_counts == std::vector<std::uint64_t>{1, 0});
  CHECK(stats.histogram_sum_seconds == Approx(0.2));
  CHECK(stats.probes == 7);  // the original tool's series are not reset
}

TEST_CASE("the last probe keeps what its gauges show") {
  TargetStats stats;
  CHECK_FALSE(stats.last);
  ProbeResult probe = result(ProbeError::none, 200, 0.4);
  probe.phases = PhaseTimes{0.01, 0.02, 0.03, 0.3, 0.04};
  probe.response_bytes = 123;
  probe.redirects = 2;
  probe.http_version = 1.1;
  probe.tls_version = "TLSv1.3";
  probe.tls_cipher = "TLS_AES_128_GCM_SHA256";
  probe.cert = epsitter::CertFacts{};
  probe.cert->subject = "CN=leaf";
  probe.cert->leaf_not_after = 1'900'000'000;
  probe.finished_unix_seconds = 1'800'000'000.5;
  stats.record(probe, ok(), kBounds);
  REQUIRE(stats.last);
  CHECK(stats.last->phases.ttfb == Approx(0.3));
  CHECK(stats.last->response_bytes == 123);
  CHECK(stats.last->redirects == 2);
  CHECK(stats.last->http_version == Approx(1.1));
  CHECK(stats.last->tls_version == "TLSv1.3");
  CHECK(stats.last->tls_cipher == "TLS_AES_128_GCM_SHA256");
  REQUIRE(stats.last->cert);
  CHECK(stats.last->cert->subject == "CN=leaf");
  CHECK(stats.last->cert->leaf_not_after == 1'900'000'000);
  CHECK(stats.last->finished_unix_seconds == Approx(1'800'000'000.5));
}
