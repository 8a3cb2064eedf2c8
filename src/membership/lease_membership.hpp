// Shard membership through Kubernetes Leases, on a thread of its own: keeps this replica's Lease
// renewed, lists the group's Leases every second, and reports the live members whenever they (or
// this replica's standing) change. A replica whose own Lease has run out reports no members at
// all: it then owns nothing, so that a partitioned replica stops probing once its Lease would
// have expired, and the others (who see it expire at the same moment) take its targets over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/kubernetes_config.hpp"
#include "discovery/api_client.hpp"
#include "membership/lease_record.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

enum class MembershipState {
  joining,  // no Lease written yet: owns nothing
  member,   // its Lease is current: owns its share
  lost,     // its Lease ran out, or no list succeeded within the lease duration (the API
            // server cannot be reached): owns nothing, not ready
};

// "joining", "member", "lost": for logs and the state metric's label.
const char* state_name(MembershipState state);

struct MembershipView {
  MembershipState state = MembershipState::joining;
  std::vector<std::string> members;  // the live members, sorted; empty unless state is member
  std::uint64_t changes = 0;         // how often the member list has changed
};

class LeaseMembership {
 public:
  using OnChange = std::function<void(const MembershipView&)>;

  // Starts the thread; `on_change` is called on it, one call at a time. `log` must outlive this.
  LeaseMembership(KubernetesConfig api, OwnLease own, OnChange on_change, spdlog::logger& log);
  // Stops the thread without deleting the Lease (see leave()).
  ~LeaseMembership();
  LeaseMembership(const LeaseMembership&) = delete;
  LeaseMembership& operator=(const LeaseMembership&) = delete;

  // A clean stop: ends the thread, then deletes this replica's Lease (within 2 s) so that the
  // others take its targets at once rather than after the Lease expires. Idempotent.
  void leave();

  MembershipView view() const;

 private:
  void run();
  void stop_thread();
  bool renew(std::chrono::seconds timeout);
  bool list(std::chrono::seconds timeout, std::vector<LeaseRecord>& leases);
  std::chrono::seconds request_timeout() const;
  void update(bool listed, const std::vector<LeaseRecord>& leases);
  std::string lease_url() const;

  const KubernetesConfig api_;
  const OwnLease own_;
  const OnChange on_change_;
  spdlog::logger& log_;
  const std::chrono::seconds duration_;
  const std::chrono::milliseconds renew_period_;
  ApiClient client_;

  // The thread's own state.
  std::string resource_version_;  // of this replica's Lease, as last read or written
  std::chrono::steady_clock::time_point renewed_at_{};  // before the last successful renewal
  bool renewed_ = false;
  std::chrono::steady_clock::time_point listed_at_{};  // after the last complete list
  bool listed_ = false;
  bool api_failing_ = false;       // logged once per outage
  std::vector<std::string> seen_;  // the live members of the last complete list

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool left_ = false;
  MembershipView view_;
  std::thread thread_;  // last: it starts once everything above exists
};

}  // namespace epsitter
