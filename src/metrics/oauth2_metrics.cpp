// Renders the OAuth 2.0 token endpoint families (see oauth2_metrics.hpp).
#include "metrics/oauth2_metrics.hpp"

#include "metrics/text_family_writer.hpp"

namespace epsitter {

std::string render_oauth2_metrics(std::string_view prefix, const OAuth2Counts& counts) {
  TextFamilyWriter out;
  write_oauth2_metrics(out, prefix, counts);
  return out.take();
}

void write_oauth2_metrics(FamilyWriter& out, std::string_view prefix, const OAuth2Counts& counts) {
  if (counts.requests.empty()) return;
  const std::string p{prefix};
  const std::string requests = p + "_oauth2_token_requests_total";
  out.family(requests,
             "OAuth 2.0 token requests (shared by the targets of equal oauth2 settings), by token "
             "endpoint and status; status 0: no response.",
             MetricType::counter);
  for (const auto& [key, count] : counts.requests) {
    const std::string status = std::to_string(key.second);
    const Labels labels{{"token_url", key.first}, {"status", status}};
    out.sample(requests, labels_of(labels), static_cast<double>(count));
  }
  const std::string failures = p + "_oauth2_token_failures_total";
  out.family(failures,
             "OAuth 2.0 token requests that gave no usable token (no response, a non-2xx status, "
             "a malformed or oversized answer); their targets' probes fail as oauth2.",
             MetricType::counter);
  // Every endpoint asked gets a series, 0 until it fails, so that rate() sees the first failure.
  std::map<std::string, std::uint64_t> by_url;
  for (const auto& [key, count] : counts.requests) by_url.emplace(key.first, 0);
  for (const auto& [url, count] : counts.failures) by_url[url] = count;
  for (const auto& [url, count] : by_url) {
    out.sample(failures, one_label("token_url", url), static_cast<double>(count));
  }
}

}  // namespace epsitter
