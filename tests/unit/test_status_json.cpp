// Unit tests for the JSON API documents: fields, escaping, nulls, history, invalid UTF-8.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "status/status_json.hpp"

using namespace epsitter;
using nlohmann::json;
using std::chrono::seconds;

namespace {

const WallClock::time_point t0 = WallClock::time_point{} + seconds(1'764'050'000);
const ProbeResult ok{ProbeError::none, 200, 0.012, 0, ""};
const ProbeResult refused{ProbeError::connection_refused, 0, 0.0004, 0, "curl's words"};

void probe(StatsByTarget& stats, const TargetLabels& target, const ProbeResult& result,
           WallClock::time_point at) {
  stats[target].record(result);
  stats[target].history.record(result, at);
}

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
                                    {"error", "connection_refused"},
                                    {"success", false}});
  CHECK(first["success_ratio"] == 0.5);
  CHECK(first["probes"] == 2);
  REQUIRE(first["history"].size() == 2);
  CHECK(first["history"][0]["status_code"] == 200);
  CHECK(first["history"][0]["error"] == nullptr);
  CHECK(first["history"][0]["success"] == true);
  CHECK(doc.dump().find("curl's words") == std::string::npos);  // details stay in the logs

  const json& pending = doc["targets"][1];
  CHECK(pending["state"] == "pending");
  for (const char* field : {"state_since", "seconds_in_state", "last_success_at",
                            "seconds_since_success", "outcome", "last_probe", "success_ratio"}) {
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
