// Unit tests for the JSON API documents: fields, escaping, nulls, history, invalid UTF-8.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "status/status_json.hpp"
#include "status_samples.hpp"

using namespace epsitter;
using namespace epsitter::samples;
using nlohmann::json;
using std::chrono::seconds;

namespace {

const ProbeResult ok = answer(200, 0.012);
const ProbeResult refused = no_answer(ProbeError::connection_refused, 0.0004);

}  // namespace

TEST_CASE("the list has counts and every target with its state, last probe and history") {
  StatsByTarget stats;
  const TargetLabels db{"db", "prod", "GET", "http://127.0.0.1:2/"};
  probe(stats, db, ok, t0);
  probe(stats, db, refused, t0 + seconds(30));
  stats[TargetLabels{"new", "prod", "GET", "http://127.0.0.1:3/"}];
  const json doc =
      json::parse(render_targets_json(make_status_snapshot(stats), t0 + seconds(40), true));

  CHECK(doc["generated_at"] == "2025-11-25T05:54:00.000Z");
  CHECK(doc["history_capacity"] == 120);
  CHECK(doc["counts"] == json{{"down", 1}, {"pending", 1}, {"up", 0}, {"total", 2}});
  REQUIRE(doc["targets"].size() == 2);
  const json& first = doc["targets"][0];
  CHECK(first["name"] == "db");
  CHECK(first["namespace"] == "prod");
  CHECK(first["method"] == "GET");
  CHECK(first["url"] == "http://127.0.0.1:2/");
  CHECK(first["state"] == "down");
  CHECK(first["state_since"] == "2025-11-25T05:53:50.000Z");
  CHECK(first["seconds_in_state"].get<double>() == Approx(10));
  CHECK(first["last_success_at"] == "2025-11-25T05:53:20.000Z");
  CHECK(first["seconds_since_success"].get<double>() == Approx(40));
  CHECK(first["outcome"] == "connection refused");
  CHECK(first["last_probe"] == json{{"at", "2025-11-25T05:53:50.000Z"},
                                    {"duration_seconds", 0.0004},
                                    {"status_code", nullptr},
                                    {"reason", "connection_refused"},
                                    {"success", false}});
  CHECK(first["success_ratio"] == 0.5);
  CHECK(first["probes"] == 2);
  REQUIRE(first["history"].size() == 2);
  CHECK(first["history"][0]["status_code"] == 200);
  CHECK(first["history"][0]["reason"] == nullptr);
  CHECK(first["history"][0]["success"] == true);
  CHECK(doc.dump().find("libcurl's words") == std::string::npos);  // details stay in the logs

  const json& pending = doc["targets"][1];
  CHECK(pending["state"] == "pending");
  for (const char* field :
       {"state_since", "seconds_in_state", "last_success_at", "seconds_since_success", "outcome",
        "last_probe", "success_ratio", "cert_expires_at", "cert_days_left"}) {
    CHECK(pending[field] == nullptr);
  }
  CHECK(pending["history"] == json::array());
}

TEST_CASE("the list can leave the histories out") {
  StatsByTarget stats;
  probe(stats, TargetLabels{"a", "ns", "GET", "http://h/"}, ok, t0);
  const json doc = json::parse(render_targets_json(make_status_snapshot(stats), t0, false));
  CHECK_FALSE(doc["targets"][0].contains("history"));
  CHECK(doc["targets"][0]["state"] == "up");
}

TEST_CASE("names and URLs with quotes and markup round-trip exactly") {
  StatsByTarget stats;
  const TargetLabels weird{R"(<b>"x" & 'y'\z)", "n\"s", "GET", R"(http://h/?q="<&>")"};
  probe(stats, weird, ok, t0);
  const StatusSnapshot snapshot = make_status_snapshot(stats);
  const json one = json::parse(render_target_json(snapshot.targets[0], t0));
  CHECK(one["name"] == weird.name);
  CHECK(one["namespace"] == weird.namespace_);
  CHECK(one["url"] == weird.url);
  CHECK(one["history"].size() == 1);
}

TEST_CASE("invalid UTF-8 is replaced, never a thrown exception") {
  StatsByTarget stats;
  probe(stats, TargetLabels{"bad\xff\xfe", "ns", "GET", "http://h/"}, ok, t0);
  std::string text;
  REQUIRE_NOTHROW(text = render_targets_json(make_status_snapshot(stats), t0, true));
  CHECK(json::parse(text)["targets"][0]["name"] == "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(json::parse(render_json_error("no target named \"\xc3\"")) ==
        json{{"error", "no target named \"\xEF\xBF\xBD\""}});
}

TEST_CASE("a failed expectation names its reason, and the certificate's expiry is shown") {
  StatsByTarget stats;
  const TargetLabels api{"api", "prod", "GET", "https://127.0.0.1:3/"};
  ProbeResult result = answer(200, 0.02);
  result.cert = epsitter::CertFacts{};
  result.cert->chain_not_after = 1'764'050'000 + 30 * 86400;
  result.cert->leaf_not_after = 1'764'050'000 + 60 * 86400;
  result.cert->subject = "CN=api.example,O=Example";
  result.cert->issuer = "CN=Example CA";
  stats[api].record(result, Verdict{FailureReason::body, "no match"}, {});
  stats[api].history.record(result, Verdict{FailureReason::body, "no match"}, t0);
  const json doc = json::parse(render_targets_json(make_status_snapshot(stats), t0, true));
  const json& target = doc["targets"][0];
  CHECK(target["state"] == "down");
  CHECK(target["outcome"] == "body mismatch (HTTP 200)");
  CHECK(target["last_probe"]["reason"] == "body");
  CHECK(target["last_probe"]["status_code"] == 200);
  CHECK(target["cert_expires_at"] == "2025-12-25T05:53:20.000Z");
  CHECK(target["cert_days_left"].get<double>() == Approx(30));
  CHECK(target["cert_subject"] == "CN=api.example,O=Example");
  CHECK(target["cert_issuer"] == "CN=Example CA");
  CHECK(target["cert_leaf_expires_at"] == "2026-01-24T05:53:20.000Z");
  CHECK(target["cert_leaf_days_left"].get<double>() == Approx(60));
}

TEST_CASE("each target says where it came from: the file or Kubernetes discovery") {
  StatsByTarget stats;
  probe(stats, TargetLabels{"static", "ns", "GET", "http://h/"}, ok, t0);
  stats[TargetLabels{"shop/api", "shop", "GET", "http://api.shop.svc:80/"}].source = "service";
  const json doc = json::parse(render_targets_json(make_status_snapshot(stats), t0, false));
  std::map<std::string, std::string> sources;
  for (const json& target : doc["targets"]) sources[target["name"]] = target["source"];
  CHECK(sources == std::map<std::string, std::string>{{"shop/api", "service"}, {"static", "file"}});
}
