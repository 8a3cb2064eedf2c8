// Unit tests for the /metrics text: names, types, labels, order and prefix.
#include <catch2/catch.hpp>
#include <iterator>
#include <string>
#include <vector>

#include "metrics/render.hpp"
#include "probe_results.hpp"

using namespace epsitter;
using epsitter::testing::result;

namespace {

const std::vector<double> kBounds{0.1, 1};

TargetLabels labels(const std::string& name) {
  return TargetLabels{name, "prod", "get", "http://127.0.0.1:1/x"};
}

Verdict verdict_of(const ProbeResult& probe) {
  if (probe.error != ProbeError::none) return Verdict{failure_reason_of(probe.error), ""};
  if (probe.status_code >= 300) return Verdict{FailureReason::status, ""};
  return Verdict{};
}

void record(TargetStats& stats, const ProbeResult& probe) {
  stats.record(probe, verdict_of(probe), kBounds);
}

std::string render(std::string_view prefix, const StatsByTarget& stats) {
  return render_exposition(prefix, stats, kBounds);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE(
    "the exposition starts with the original tool's families and label sets; errors from the "
    "start") {
  StatsByTarget stats;
  record(stats[labels("b")], result(ProbeError::none, 200, 0.5));
  record(stats[labels("b")], result(ProbeError::connection_refused, 0, 0.25));
  stats[labels("a")];  // configured, not probed yet
  const std::string expected =
      "# HELP sitter_request_time Time taken by each probe request, in seconds.\n"
      "# TYPE sitter_request_time summary\n"
      "sitter_request_time_count{name=\"a\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 0.0\n"
      "sitter_request_time_sum{name=\"a\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 0.0\n"
      "sitter_request_time_count{name=\"b\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 2.0\n"
      "sitter_request_time_sum{name=\"b\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 0.75\n"
      "# HELP sitter_http_status_code_total Responses received, by HTTP status code.\n"
      "# TYPE sitter_http_status_code_total counter\n"
      "sitter_http_status_code_total{name=\"b\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\",status=\"200\"} 1.0\n"
      "# HELP sitter_http_error_total Probes that got no HTTP response.\n"
      "# TYPE sitter_http_error_total counter\n"
      "sitter_http_error_total{name=\"a\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 0.0\n"
      "sitter_http_error_total{name=\"b\",namespace=\"prod\",method=\"get\",url=\"http://"
      "127.0.0.1:1/x\"} 1.0\n";
  const std::string text = render("sitter", stats);
  CHECK(text.substr(0, expected.size()) == expected);
  CHECK(text.compare(expected.size(), 9, "# HELP si") == 0);  // only new families follow
}

TEST_CASE("the prefix names every family and label values are escaped") {
  StatsByTarget stats;
  record(stats[TargetLabels{"we\"ird\\na\nme", "ns", "POST", "http://h/"}],
         result(ProbeError::none, 204, 0.1));
  const std::string text = render("my_app", stats);
  CHECK(text.find("# TYPE my_app_request_time summary\n") != std::string::npos);
  CHECK(text.find("# TYPE my_app_http_status_code_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE my_app_http_error_total counter\n") != std::string::npos);
  CHECK(text.find("name=\"we\\\"ird\\\\na\\nme\"") != std::string::npos);
  CHECK(text.find("sitter_") == std::string::npos);
  CHECK(text.find("_created") == std::string::npos);
}

TEST_CASE("series come out in the same order whatever order results arrived in") {
  StatsByTarget one;
  StatsByTarget two;
  const ProbeResult ok = result(ProbeError::none, 200, 0.1);
  const ProbeResult gone = result(ProbeError::none, 404, 0.1);
  record(one[labels("x")], ok);
  record(one[labels("y")], gone);
  record(one[labels("x")], gone);
  record(two[labels("y")], gone);
  record(two[labels("x")], ok);
  record(two[labels("x")], gone);
  CHECK(render("sitter", one) == render("sitter", two));
}

TEST_CASE("outcome, histogram and last-probe families carry the target labels") {
  StatsByTarget stats;
  ProbeResult probe = result(ProbeError::none, 503, 0.5);
  probe.phases = PhaseTimes{0.001, 0.002, 0.003, 0.25, 0.004};
  probe.response_bytes = 42;
  probe.redirects = 3;
  probe.http_version = 1.1;
  probe.tls_version = "TLSv1.3";
  probe.finished_unix_seconds = 1'800'000'000.25;
  record(stats[labels("t")], probe);
  record(stats[labels("t")], result(ProbeError::timeout, 0, 2));
  stats[labels("t")].last->tls_version = "TLSv1.3";  // as if the last one had used TLS too
  stats[labels("t")].last->tls_cipher = "TLS_AES_256_GCM_SHA384";
  epsitter::CertFacts cert;
  cert.subject = "CN=a \"quoted\" name,O=Example";
  cert.issuer = "CN=Example CA";
  cert.serial = "0a1b";
  cert.fingerprint_sha256 = "ab12";
  cert.dns_names = "a.example,b.example";
  cert.leaf_not_after = 1'900'000'000;
  cert.chain_not_after = 1'850'000'000;
  stats[labels("t")].last->cert = cert;
  stats[labels("t")].extra_labels = {{"team", "sre"}, {"tier", "1"}};
  stats[labels("u")];  // configured, not probed yet
  const std::string text = render("sitter", stats);
  const std::string t = "name=\"t\",namespace=\"prod\",method=\"get\",url=\"http://127.0.0.1:1/x\"";
  const std::string u = "name=\"u\",namespace=\"prod\",method=\"get\",url=\"http://127.0.0.1:1/x\"";
  CHECK(has_line(text, "# TYPE sitter_probe_success gauge"));
  CHECK(has_line(text, "sitter_probe_success{" + t + "} 0.0"));
  CHECK(text.find("sitter_probe_success{" + u) == std::string::npos);
  CHECK(has_line(text, "# TYPE sitter_probe_failures_total counter"));
  CHECK(has_line(text, "sitter_probe_failures_total{" + t + ",reason=\"status\"} 1.0"));
  CHECK(has_line(text, "sitter_probe_failures_total{" + t + ",reason=\"timeout\"} 1.0"));
  CHECK(has_line(text, "sitter_consecutive_failures{" + t + "} 2.0"));
  CHECK(has_line(text, "sitter_consecutive_failures{" + u + "} 0.0"));
  CHECK(has_line(text, "# TYPE sitter_request_duration_seconds histogram"));
  CHECK(has_line(text, "sitter_request_duration_seconds_bucket{" + t + ",le=\"0.1\"} 0.0"));
  CHECK(has_line(text, "sitter_request_duration_seconds_bucket{" + t + ",le=\"1.0\"} 1.0"));
  CHECK(has_line(text, "sitter_request_duration_seconds_bucket{" + t + ",le=\"+Inf\"} 2.0"));
  CHECK(has_line(text, "sitter_request_duration_seconds_sum{" + t + "} 2.5"));
  CHECK(has_line(text, "sitter_request_duration_seconds_count{" + t + "} 2.0"));
  CHECK(has_line(text, "sitter_request_duration_seconds_count{" + u + "} 0.0"));
  CHECK(has_line(text, "sitter_last_status_code{" + t + "} 0.0"));
  // Both expiry families are the chain's earliest (cert_expiry's meaning since the first release).
  CHECK(has_line(text, "sitter_tls_cert_expiry_timestamp_seconds{" + t + "} 1850000000.0"));
  CHECK(has_line(text, "sitter_tls_version_info{" + t + ",version=\"TLSv1.3\"} 1.0"));
  CHECK(has_line(text, "sitter_tls_chain_expiry_timestamp_seconds{" + t + "} 1850000000.0"));
  CHECK(has_line(text, "sitter_tls_cipher_info{" + t + ",cipher=\"TLS_AES_256_GCM_SHA384\"} 1.0"));
  CHECK(has_line(text, "sitter_tls_cert_info{" + t +
                           ",subject=\"CN=a \\\"quoted\\\" name,O=Example\",issuer=\"CN=Example "
                           "CA\",serial=\"0a1b\",fingerprint_sha256=\"ab12\",dns_names=\"a.example,"
                           "b.example\"} 1.0"));
  CHECK(has_line(text, "sitter_target_info{" + t + ",team=\"sre\",tier=\"1\"} 1.0"));
  CHECK(has_line(text, "sitter_target_info{" + u + "} 1.0"));
  CHECK(text.find("sitter_last_status_code{" + u) == std::string::npos);
  for (const char* family :
       {"sitter_request_phase_seconds", "sitter_last_status_code",
        "sitter_last_probe_timestamp_seconds", "sitter_response_size_bytes", "sitter_redirects",
        "sitter_http_version", "sitter_tls_cert_expiry_timestamp_seconds",
        "sitter_tls_version_info", "sitter_tls_chain_expiry_timestamp_seconds",
        "sitter_tls_cert_info", "sitter_tls_cipher_info", "sitter_target_info"}) {
    CHECK(has_line(text, std::string{"# TYPE "} + family + " gauge"));
  }
}

TEST_CASE("the phases of the last probe each have a series") {
  StatsByTarget stats;
  ProbeResult probe = result(ProbeError::none, 200, 0.5);
  probe.phases = PhaseTimes{0.001, 0.002, 0.003, 0.25, 0.004};
  record(stats[labels("t")], probe);
  const std::string text = render("sitter", stats);
  const std::string t = "name=\"t\",namespace=\"prod\",method=\"get\",url=\"http://127.0.0.1:1/x\"";
  CHECK(has_line(text, "sitter_request_phase_seconds{" + t + ",phase=\"dns\"} 0.001"));
  CHECK(has_line(text, "sitter_request_phase_seconds{" + t + ",phase=\"connect\"} 0.002"));
  CHECK(has_line(text, "sitter_request_phase_seconds{" + t + ",phase=\"tls\"} 0.003"));
  CHECK(has_line(text, "sitter_request_phase_seconds{" + t + ",phase=\"ttfb\"} 0.25"));
  CHECK(has_line(text, "sitter_request_phase_seconds{" + t + ",phase=\"transfer\"} 0.004"));
  CHECK(has_line(text, "sitter_http_version{" + t + "} 0.0"));
}

namespace {

StatsByTarget probed_targets(int count) {
  StatsByTarget stats;
  for (int i = 0; i < count; ++i) {
    TargetStats& seen = stats[labels("t" + std::to_string(i))];
    record(seen, result(ProbeError::none, 200, 0.01 * i));
    record(seen, result(ProbeError::timeout, 0, 2.5));
  }
  return stats;
}

// Each family's text of one run of targets, as render_exposition_slice hands it over.
std::vector<std::string> families_of_slice(const StatsByTarget& stats,
                                           StatsByTarget::const_iterator first,
                                           StatsByTarget::const_iterator last, bool headers,
                                           int& chunks) {
  std::vector<std::string> families{""};
  constexpr std::size_t kChunkBytes = 256 * 1024;
  render_exposition_slice("sitter", first, last, kBounds,
                          {[&](std::string_view chunk) {
                             CHECK_FALSE(chunk.empty());
                             CHECK(chunk.back() == '\n');
                             families.back() += chunk;
                             ++chunks;
                           },
                           kChunkBytes, [&] { families.emplace_back(); }, headers});
  CHECK(families.back().empty());  // family_ended came after the last family too
  families.pop_back();
  (void)stats;
  return families;
}

}  // namespace

TEST_CASE("rendered in chunks, the exposition is the same text, cut at line ends") {
  const StatsByTarget stats = probed_targets(1000);
  const std::string whole = render("sitter", stats);
  REQUIRE(whole.size() > 600 * 1024);  // more than two chunks
  int chunks = 0;
  std::string joined;
  for (const std::string& family :
       families_of_slice(stats, stats.begin(), stats.end(), true, chunks)) {
    CHECK(family.rfind("# HELP sitter_", 0) == 0);
    joined += family;
  }
  CHECK(chunks >= 3);
  CHECK(joined == whole);
}

TEST_CASE("runs of targets rendered apart and joined family by family are the whole text") {
  const StatsByTarget stats = probed_targets(30);
  const std::string whole = render("sitter", stats);
  const auto cut = std::next(stats.begin(), 11);
  int chunks = 0;
  const auto head = families_of_slice(stats, stats.begin(), cut, true, chunks);
  const auto tail = families_of_slice(stats, cut, stats.end(), false, chunks);
  const auto none = families_of_slice(stats, stats.end(), stats.end(), false, chunks);
  REQUIRE(head.size() == tail.size());
  REQUIRE(none.size() == head.size());
  std::string joined;
  for (std::size_t family = 0; family < head.size(); ++family) {
    CHECK(tail[family].find("# ") == std::string::npos);  // no HELP or TYPE lines again
    CHECK(none[family].empty());
    joined += head[family] + tail[family];
  }
  CHECK(joined == whole);
}

TEST_CASE("a new certificate replaces the old info series, and none stays once TLS is gone") {
  StatsByTarget stats;
  const auto over_tls = [](const std::string& subject) {
    ProbeResult probe = result(ProbeError::none, 200, 0.1);
    probe.tls_version = "TLSv1.3";
    probe.tls_cipher = "TLS_AES_128_GCM_SHA256";
    probe.cert = epsitter::CertFacts{};
    probe.cert->subject = subject;
    probe.cert->leaf_not_after = 1'900'000'000;
    probe.cert->chain_not_after = 1'900'000'000;
    return probe;
  };
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t found = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
    return found;
  };
  record(stats[labels("t")], over_tls("CN=old"));
  record(stats[labels("t")], over_tls("CN=new"));
  std::string text = render("sitter", stats);
  CHECK(count(text, "sitter_tls_cert_info{") == 1);
  CHECK(text.find("subject=\"CN=new\"") != std::string::npos);
  record(stats[labels("t")], result(ProbeError::none, 200, 0.1));  // plain HTTP now
  text = render("sitter", stats);
  for (const char* family :
       {"sitter_tls_cert_info{", "sitter_tls_cipher_info{", "sitter_tls_version_info{",
        "sitter_tls_cert_expiry_timestamp_seconds{",
        "sitter_tls_chain_expiry_timestamp_seconds{"}) {
    CHECK(count(text, family) == 0);
  }
}

TEST_CASE("a failed handshake shows the certificate but no cipher") {
  StatsByTarget stats;
  ProbeResult probe = result(ProbeError::tls, 0, 0.1);
  probe.cert = epsitter::CertFacts{};
  probe.cert->subject = "CN=untrusted";
  probe.cert->leaf_not_after = 1'900'000'000;
  probe.cert->chain_not_after = 1'900'000'000;
  record(stats[labels("t")], probe);
  const std::string text = render("sitter", stats);
  CHECK(text.find("sitter_tls_cert_info{name=\"t\"") != std::string::npos);
  CHECK(text.find("sitter_tls_cert_expiry_timestamp_seconds{name=\"t\"") != std::string::npos);
  CHECK(text.find("sitter_tls_cipher_info{name=\"t\"") == std::string::npos);
  CHECK(text.find("sitter_tls_chain_expiry_timestamp_seconds{name=\"t\"") != std::string::npos);
}
