// Leases as membership records: MicroTime both ways, parsing a Lease, and who is live when.
#include <catch2/catch.hpp>

#include "membership/lease_record.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

namespace {

WallClock::time_point at(const char* text) {
  const auto time = parse_micro_time(text);
  REQUIRE(time);
  return *time;
}

LeaseRecord lease(std::string holder, const char* renew, int duration) {
  LeaseRecord record;
  record.name = holder;
  record.holder = std::move(holder);
  record.renew_time = at(renew);
  record.duration_seconds = duration;
  return record;
}

}  // namespace

TEST_CASE("a MicroTime is read as Kubernetes writes it, with any fraction and offset") {
  const auto epoch = WallClock::time_point{};
  CHECK(at("1970-01-01T00:00:00Z") == epoch);
  CHECK(at("1970-01-01T00:00:01.000001Z") == epoch + 1s + 1us);
  CHECK(at("2026-12-03T02:04:05.5Z") - at("2026-12-03T02:04:05Z") == 500ms);
  CHECK(at("2026-12-03T03:04:05+01:00") == at("2026-12-03T02:04:05Z"));
  CHECK(at("2026-12-02T23:04:05-03:00") == at("2026-12-03T02:04:05Z"));
  // 2024-02-29 is a day, and the day after it is March 1.
  CHECK(at("2024-03-01T00:00:00Z") - at("2024-02-29T00:00:00Z") == 24h);
  CHECK(at("2000-01-01T00:00:00Z") == epoch + 946684800s);
  for (const char* bad : {"", "2026-12-03", "2026-12-03T02:04:05", "2026-13-03T02:04:05Z",
                          "2026-12-03T02:04:05.Z", "2026-12-03 02:04:05Z", "2026-12-03T02:04:05Zx",
                          "2026-12-03T02:04:05+0100", "x026-12-03T02:04:05Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_micro_time(bad));
  }
}

TEST_CASE("a MicroTime is written in UTC with six fraction digits and reads back the same") {
  const auto time = at("2026-12-03T02:04:05.123456Z");
  CHECK(format_micro_time(time) == "2026-12-03T02:04:05.123456Z");
  CHECK(format_micro_time(WallClock::time_point{}) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_micro_time(at("2024-02-29T23:59:59.000001Z")) == "2024-02-29T23:59:59.000001Z");
  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(WallClock::now());
  CHECK(at(format_micro_time(now).c_str()) == now);
}

TEST_CASE("a Lease is parsed into its holder, renew time, duration and version") {
  const auto object = nlohmann::json::parse(R"({
    "kind": "Lease",
    "metadata": {"name": "sitter-a", "resourceVersion": "42"},
    "spec": {"holderIdentity": "sitter-a", "leaseDurationSeconds": 15,
             "renewTime": "2026-12-03T02:04:05.000000Z"}})");
  const auto parsed = parse_lease(object);
  REQUIRE(parsed);
  CHECK(parsed->name == "sitter-a");
  CHECK(parsed->resource_version == "42");
  CHECK(parsed->holder == "sitter-a");
  CHECK(parsed->duration_seconds == 15);
  CHECK(parsed->renew_time == at("2026-12-03T02:04:05Z"));

  CHECK_FALSE(parse_lease(nlohmann::json::parse(R"({"metadata": {}})")));
  CHECK_FALSE(parse_lease(nlohmann::json::parse(R"([1])")));
  // A Lease with a spec of the wrong shape holds nothing, but is still a Lease.
  const auto odd = parse_lease(nlohmann::json::parse(
      R"({"metadata": {"name": "x"}, "spec": {"leaseDurationSeconds": "15", "renewTime": 3}})"));
  REQUIRE(odd);
  CHECK(odd->duration_seconds == 0);
  CHECK_FALSE(odd->renew_time);
}

TEST_CASE("the live members are those whose renew time plus duration is still ahead") {
  std::vector<LeaseRecord> leases{lease("c", "2026-12-03T02:00:00Z", 15),
                                  lease("a", "2026-12-03T02:00:10Z", 15),
                                  lease("b", "2026-12-03T01:59:00Z", 15)};
  LeaseRecord released = lease("", "2026-12-03T02:00:10Z", 15);
  leases.push_back(released);
  LeaseRecord no_duration = lease("d", "2026-12-03T02:00:10Z", 0);
  leases.push_back(no_duration);
  CHECK(live_members(leases, at("2026-12-03T02:00:05Z")) == std::vector<std::string>{"a", "c"});
  // c's lease ends at 02:00:15 exactly: not live then, with no event to say so.
  CHECK(live_members(leases, at("2026-12-03T02:00:14.999Z")) == std::vector<std::string>{"a", "c"});
  CHECK(live_members(leases, at("2026-12-03T02:00:15Z")) == std::vector<std::string>{"a"});
  CHECK(live_members(leases, at("2026-12-03T02:00:25Z")).empty());
}

TEST_CASE("the own Lease carries the group label, holder, duration and renew time") {
  const OwnLease own{"sitter-a", "monitoring", "epsitter", 15};
  const auto renewed = at("2026-12-03T02:04:05.25Z");
  const nlohmann::json created = lease_object(own, renewed, "");
  CHECK(created["apiVersion"] == "coordination.k8s.io/v1");
  CHECK(created["kind"] == "Lease");
  CHECK(created["metadata"]["name"] == "sitter-a");
  CHECK(created["metadata"]["namespace"] == "monitoring");
  CHECK(created["metadata"]["labels"][kShardGroupLabel] == "epsitter");
  CHECK_FALSE(created["metadata"].contains("resourceVersion"));
  CHECK(created["spec"]["holderIdentity"] == "sitter-a");
  CHECK(created["spec"]["leaseDurationSeconds"] == 15);
  CHECK(created["spec"]["renewTime"] == "2026-12-03T02:04:05.250000Z");
  CHECK(lease_object(own, renewed, "7")["metadata"]["resourceVersion"] == "7");
  const auto back = parse_lease(created);
  REQUIRE(back);
  CHECK(live_members({*back}, renewed + 14s) == std::vector<std::string>{"sitter-a"});
}
