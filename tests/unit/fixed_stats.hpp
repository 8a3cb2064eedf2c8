// A fixed StatsByTarget that populates every family of the targets' exposition (TLS, extra
// labels, failures, labels that need escaping), for tests that compare formats or outputs.
#pragma once

#include <vector>

#include "metrics/target_stats.hpp"
#include "probe_results.hpp"

namespace epsitter::testing {

inline const std::vector<double>& fixed_bounds() {
  static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  return bounds;
}

inline StatsByTarget fixed_stats() {
  StatsByTarget stats;
  const TargetLabels plain{"plain", "prod", "get", "http://127.0.0.1:1/x"};
  const TargetLabels tricky{"quote\"back\\slash\nnewline \xc3\xa9t\xc3\xa9", "ns", "post",
                            "https://127.0.0.1:2/y?a=1&b=\"2\""};
  const TargetLabels idle{"idle", "prod", "get", "http://127.0.0.1:3/z"};
  TargetStats& a = stats[plain];
  for (double seconds : {0.0, 0.003, 0.004, 0.02, 0.02, 0.3, 1.0, 7.5}) {
    ProbeResult probe = result(ProbeError::none, 200, seconds);
    probe.finished_unix_seconds = 1700000000.25;
    probe.phases = PhaseTimes{0.001, 0.002, 0, 0.01, 0.0005};
    probe.response_bytes = 123;
    probe.uncompressed_bytes = 456;
    probe.http_version = 1.1;
    a.record(probe, Verdict{}, fixed_bounds());
  }
  a.record(result(ProbeError::connection_refused, 0, 0.001),
           Verdict{FailureReason::connection_refused, ""}, fixed_bounds());
  a.extra_labels = {{"team", "web"}, {"tier", "1"}};
  TargetStats& b = stats[tricky];
  ProbeResult tls = result(ProbeError::none, 503, 0.25);
  tls.tls_version = "TLSv1.3";
  tls.tls_cipher = "TLS_AES_128_GCM_SHA256";
  tls.http_version = 2;
  CertFacts cert;
  cert.subject = "CN=a \"b\"";
  cert.issuer = "CN=issuer";
  cert.serial = "0a";
  cert.fingerprint_sha256 = "ff";
  cert.dns_names = "a.example,b.example";
  cert.leaf_not_after = 1800000000;
  cert.chain_not_after = 1790000000;
  tls.cert = cert;
  b.record(tls, Verdict{FailureReason::status, ""}, fixed_bounds());
  stats[idle];  // configured, never probed
  return stats;
}

}  // namespace epsitter::testing
