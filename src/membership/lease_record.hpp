// Kubernetes Leases as membership records: parse one, write one, and who is live at a given time.
// Pure functions, no I/O.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epsitter {

using WallClock = std::chrono::system_clock;

// The label that puts a Lease in a group of replicas that share the targets.
inline constexpr const char* kShardGroupLabel = "epsitter.io/shard-group";

// What membership reads from a Lease.
struct LeaseRecord {
  std::string name;              // metadata.name
  std::string resource_version;  // metadata.resourceVersion, for an update
  std::string holder;            // spec.holderIdentity: the member's name ("" = released)
  std::optional<WallClock::time_point> renew_time;  // spec.renewTime
  int duration_seconds = 0;                         // spec.leaseDurationSeconds
};

// RFC 3339 as Kubernetes writes a MicroTime ("2026-12-03T02:04:05.123456Z"); a fraction of any
// length up to nanoseconds, and Z or a +hh:mm/-hh:mm offset. nullopt when malformed.
std::optional<WallClock::time_point> parse_micro_time(std::string_view text);

// `time` in UTC with exactly six fraction digits and Z, as Kubernetes writes MicroTime.
std::string format_micro_time(WallClock::time_point time);

// nullopt when `object` is not a Lease with a metadata.name.
std::optional<LeaseRecord> parse_lease(const nlohmann::json& object);

// The holders whose renewTime + leaseDurationSeconds is after `now`: sorted, without duplicates.
// A Lease without a holder, a renewTime or a positive duration holds nothing.
std::vector<std::string> live_members(const std::vector<LeaseRecord>& leases,
                                      WallClock::time_point now);

// What this replica writes to its own Lease.
struct OwnLease {
  std::string name;  // the pod's name, also the holder
  std::string namespace_;
  std::string group;
  int duration_seconds = 15;
};

// The Lease object for a create (no resource_version) or an update (the version read last).
nlohmann::json lease_object(const OwnLease& lease, WallClock::time_point renew_time,
                            const std::string& resource_version);

}  // namespace epsitter
