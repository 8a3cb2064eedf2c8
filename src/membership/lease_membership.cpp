// Shard membership through Kubernetes Leases: renew this replica's Lease, list the group's, and
// report the live members (see lease_membership.hpp for the rules).
#include "membership/lease_membership.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <stdexcept>

#include "discovery/api_paths.hpp"
#include "log/logfmt.hpp"

namespace epsitter {
namespace {

// Liveness changes with time alone (a Lease expires without any event), so the members are
// recomputed from a fresh list this often.
constexpr auto kListEvery = std::chrono::seconds(1);
constexpr auto kLeaveTimeout = std::chrono::seconds(2);
constexpr std::size_t kMaxLeases = 10'000;  // a group is a few replicas; this bounds a stray one
constexpr std::size_t kLoggedBodyBytes = 200;

std::string leases_url(const KubernetesConfig& api, const std::string& namespace_) {
  return api.api_url + "/apis/coordination.k8s.io/v1/namespaces/" + percent_encode(namespace_) +
         "/leases";
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ",") + name;
  return text;
}

std::optional<LeaseRecord> lease_in(const std::string& body) {
  const nlohmann::json object = nlohmann::json::parse(body, nullptr, false);
  if (object.is_discarded()) return std::nullopt;
  return parse_lease(object);
}

std::string describe(const ApiReply& reply) {
  if (!reply.completed) return reply.stopped ? "stopped" : reply.error;
  return "status " + std::to_string(reply.status) + ": " + reply.body.substr(0, kLoggedBodyBytes);
}

}  // namespace

const char* state_name(MembershipState state) {
  switch (state) {
    case MembershipState::joining:
      return "joining";
    case MembershipState::member:
      return "member";
    case MembershipState::lost:
      return "lost";
  }
  return "unknown";
}

LeaseMembership::LeaseMembership(KubernetesConfig api, OwnLease own, OnChange on_change,
                                 spdlog::logger& log)
    : api_(std::move(api)),
      own_(std::move(own)),
      on_change_(std::move(on_change)),
      log_(log),
      duration_(own_.duration_seconds),
      renew_period_(std::chrono::milliseconds(own_.duration_seconds * 1000 / 3)),
      client_(api_),
      thread_([this] { run(); }) {}

LeaseMembership::~LeaseMembership() {
  stop_thread();
}

void LeaseMembership::stop_thread() {
  {
    const std::lock_guard<std::mutex> lock{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  client_.stop();
  if (thread_.joinable()) thread_.join();
}

void LeaseMembership::leave() {
  {
    const std::lock_guard<std::mutex> lock{mutex_};
    if (left_) return;
    left_ = true;
  }
  stop_thread();
  // A client of its own: the thread's was stopped for good.
  try {
    ApiClient client{api_};
    const ApiReply reply = client.send("DELETE", lease_url(), "", kLeaveTimeout);
    if (reply.completed && (reply.status == 200 || reply.status == 202 || reply.status == 404)) {
      log_.info("msg=\"shard lease deleted\" lease={}", logged(own_.name));
    } else {
      log_.warn(
          "msg=\"cannot delete the shard lease: the others take over when it expires\" "
          "lease={} error={}",
          logged(own_.name), logged(describe(reply)));
    }
  } catch (const std::runtime_error& error) {
    log_.warn("msg=\"cannot delete the shard lease\" error={}", logged(error.what()));
  }
}

MembershipView LeaseMembership::view() const {
  const std::lock_guard<std::mutex> lock{mutex_};
  return view_;
}

std::string LeaseMembership::lease_url() const {
  return leases_url(api_, own_.namespace_) + "/" + percent_encode(own_.name);
}

// Short enough that a hanging API server (a partition) cannot keep the thread from noticing that
// its own Lease ran out: at most the time the Lease has left, at most a renewal period, >= 1 s.
std::chrono::seconds LeaseMembership::request_timeout() const {
  auto limit = std::chrono::duration_cast<std::chrono::seconds>(renew_period_);
  if (renewed_) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(
        renewed_at_ + duration_ - std::chrono::steady_clock::now());
    limit = std::min(limit, left);
  }
  return std::max(limit, std::chrono::seconds(1));
}

void LeaseMembership::run() {
  auto next_renewal = std::chrono::steady_clock::now();
  for (;;) {
    {
      const std::lock_guard<std::mutex> lock{mutex_};
      if (stop_) return;
    }
    const auto started = std::chrono::steady_clock::now();
    if (started >= next_renewal) {
      if (renew(request_timeout())) {
        renewed_ = true;
        renewed_at_ = started;  // before the request: the Lease's own clock started no earlier
        next_renewal = started + renew_period_;
      } else {
        next_renewal = std::chrono::steady_clock::now() + kListEvery;
      }
    }
    std::vector<LeaseRecord> leases;
    const bool listed = list(request_timeout(), leases);
    update(listed, leases);
    std::unique_lock<std::mutex> lock{mutex_};
    wake_.wait_until(lock, std::min(std::chrono::steady_clock::now() + kListEvery, next_renewal),
                     [this] { return stop_; });
  }
}

// Create the Lease, or update it from the version last seen. A 409 means it exists already (this
// pod's name held it before a restart: it is taken over) or changed since it was read: read it
// and try again. A 404 on update means it was deleted: create it again.
bool LeaseMembership::renew(std::chrono::seconds timeout) {
  std::string problem = "conflicts on every attempt";
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string body = lease_object(own_, WallClock::now(), resource_version_).dump();
    const bool create = resource_version_.empty();
    const ApiReply reply =
        create ? client_.send("POST", leases_url(api_, own_.namespace_), body, timeout)
               : client_.send("PUT", lease_url(), body, timeout);
    if (reply.completed && (reply.status == 200 || reply.status == 201)) {
      const auto lease = lease_in(reply.body);
      resource_version_ = lease ? lease->resource_version : "";
      if (api_failing_) log_.info("msg=\"shard lease renewed again\" lease={}", logged(own_.name));
      api_failing_ = false;
      return true;
    }
    if (reply.completed && reply.status == 404 && !create) {
      resource_version_.clear();
      continue;
    }
    if (!reply.completed || reply.status != 409) {
      problem = describe(reply);
      break;
    }
    const ApiReply current = client_.get(lease_url(), timeout);
    if (current.completed && current.status == 404) {
      resource_version_.clear();
      continue;
    }
    const auto lease =
        current.completed && current.status == 200 ? lease_in(current.body) : std::nullopt;
    if (!lease) {
      problem = describe(current);
      break;
    }
    resource_version_ = lease->resource_version;
  }
  if (!api_failing_ && !client_.stopped()) {
    log_.warn("msg=\"cannot renew the shard lease\" lease={} error={}", logged(own_.name),
              logged(problem));
  }
  api_failing_ = true;
  return false;
}

bool LeaseMembership::list(std::chrono::seconds timeout, std::vector<LeaseRecord>& leases) {
  const std::string url = leases_url(api_, own_.namespace_) + "?labelSelector=" +
                          percent_encode(std::string{kShardGroupLabel} + "=" + own_.group);
  const ApiReply reply = client_.get(url, timeout);
  nlohmann::json object;
  if (reply.completed && reply.status == 200) {
    object = nlohmann::json::parse(reply.body, nullptr, false);
  }
  const auto items = object.is_object() ? object.find("items") : object.end();
  if (!object.is_object() || items == object.end() || !items->is_array()) {
    if (!api_failing_ && !client_.stopped()) {
      log_.warn("msg=\"cannot list the shard leases\" error={}", logged(describe(reply)));
    }
    api_failing_ = true;
    return false;
  }
  for (const nlohmann::json& item : *items) {
    if (leases.size() == kMaxLeases) break;
    if (auto lease = parse_lease(item)) leases.push_back(std::move(*lease));
  }
  return true;
}

// The members are recomputed from a list only: while the API server cannot be reached, the last
// list's members stay as they were (a partitioned replica must not take over the targets of
// replicas whose renewals it can no longer see), until this replica's own Lease runs out. A member
// needs both its own Lease current and a list within the lease duration: a replica that renews
// but cannot list (a Role without `list`) would otherwise see itself alone and probe every target.
void LeaseMembership::update(bool listed, const std::vector<LeaseRecord>& leases) {
  const auto now = std::chrono::steady_clock::now();
  if (listed) {
    seen_ = live_members(leases, WallClock::now());
    listed_ = true;
    listed_at_ = now;
  }
  const bool current =
      renewed_ && now < renewed_at_ + duration_ && listed_ && now < listed_at_ + duration_;
  const MembershipState state =
      current ? MembershipState::member
              : (renewed_ && listed_ ? MembershipState::lost : MembershipState::joining);
  std::vector<std::string> members;
  if (state == MembershipState::member) {
    members = seen_;
    // This replica counts itself while its Lease is current, even before a list shows it.
    const auto at = std::lower_bound(members.begin(), members.end(), own_.name);
    if (at == members.end() || *at != own_.name) members.insert(at, own_.name);
  }
  MembershipView next = view();
  if (state == next.state && members == next.members) return;
  if (state != next.state && state == MembershipState::lost) {
    log_.error(
        "msg=\"shard lease expired: not renewed, or the group not listed, within its duration; "
        "this replica stops probing until the API server answers again\" lease={} "
        "lease_duration_seconds={}",
        logged(own_.name), duration_.count());
  }
  if (members != next.members) ++next.changes;
  log_.info("msg=\"shard members changed\" state={} members={} names={}", state_name(state),
            members.size(), logged(joined(members)));
  next.state = state;
  next.members = std::move(members);
  {
    const std::lock_guard<std::mutex> lock{mutex_};
    view_ = next;
  }
  on_change_(next);
}

}  // namespace epsitter
