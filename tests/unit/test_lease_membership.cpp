// The membership thread against a loopback API server: it creates its Lease, lists the group and
// reports the live members; one that can renew but never list owns nothing (it would otherwise
// see itself alone and probe every target); leave() deletes the Lease.
#include <catch2/catch.hpp>
#include <mutex>
#include <vector>

#include "log/logger.hpp"
#include "loopback_server.hpp"
#include "membership/lease_membership.hpp"
#include "temp_directory.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kLeases = "/apis/coordination.k8s.io/v1/namespaces/ns/leases";

std::string lease_json(const std::string& name, const std::string& version) {
  return lease_object(OwnLease{name, "ns", "epsitter", 2}, WallClock::now(), version).dump();
}

struct MembershipFixture {
  TempDirectory directory;
  LoopbackServer server;
  std::shared_ptr<spdlog::logger> log = make_stderr_logger(LogLevel::critical);
  std::mutex mutex;
  std::vector<MembershipView> reported;

  KubernetesConfig api() const {
    KubernetesConfig config;
    config.api_url = server.url("");
    config.token_file = directory.write("token", "t");
    return config;
  }

  LeaseMembership::OnChange record() {
    return [this](const MembershipView& view) {
      const std::lock_guard<std::mutex> lock{mutex};
      reported.push_back(view);
    };
  }

  std::vector<MembershipView> views() {
    const std::lock_guard<std::mutex> lock{mutex};
    return reported;
  }
};

}  // namespace

TEST_CASE_METHOD(MembershipFixture, "a replica creates its Lease, sees the group and leaves") {
  server.on(kLeases, [](const RecordedRequest& request) {
    if (request.method == "POST") return Reply::respond(201, lease_json("sitter-a", "1"));
    // The list: this replica's Lease and another live one.
    return Reply::respond(200, "{\"items\":[" + lease_json("sitter-a", "1") + "," +
                                   lease_json("sitter-b", "2") + "]}");
  });
  server.on(std::string{kLeases} + "/sitter-a", Reply::respond(200, "{}"));
  LeaseMembership membership{api(), OwnLease{"sitter-a", "ns", "epsitter", 2}, record(), *log};
  REQUIRE(wait_until([&] { return membership.view().state == MembershipState::member; }));
  CHECK(wait_until([&] {
    return membership.view().members == std::vector<std::string>{"sitter-a", "sitter-b"};
  }));
  CHECK(views().back().changes >= 1);
  const auto created = server.requests().front();
  CHECK(created.method == "POST");
  CHECK(created.path() == kLeases);
  CHECK(nlohmann::json::parse(created.body)["spec"]["holderIdentity"] == "sitter-a");
  const auto listed = server.requests();
  CHECK(std::any_of(listed.begin(), listed.end(), [](const RecordedRequest& request) {
    return request.method == "GET" &&
           request.target.find("labelSelector=epsitter.io%2Fshard-group%3Depsitter") !=
               std::string::npos;
  }));
  membership.leave();
  const auto last = server.requests().back();
  CHECK(last.method == "DELETE");
  CHECK(last.path() == std::string{kLeases} + "/sitter-a");
}

TEST_CASE_METHOD(MembershipFixture, "a replica that renews but cannot list owns nothing") {
  server.on(kLeases, [](const RecordedRequest& request) {
    if (request.method == "POST") return Reply::respond(201, lease_json("sitter-a", "1"));
    return Reply::respond(403, "{\"kind\":\"Status\",\"code\":403}");
  });
  server.on(std::string{kLeases} + "/sitter-a", [](const RecordedRequest&) {
    return Reply::respond(200, lease_json("sitter-a", "3"));
  });
  LeaseMembership membership{api(), OwnLease{"sitter-a", "ns", "epsitter", 2}, record(), *log};
  // Renewals succeed (PUTs after the create), lists do not: it never becomes a member.
  REQUIRE(wait_until([&] { return server.count(std::string{kLeases} + "/sitter-a") >= 2; }));
  std::this_thread::sleep_for(2500ms);  // past the lease duration
  CHECK(membership.view().state == MembershipState::joining);
  CHECK(membership.view().members.empty());
  for (const MembershipView& view : views()) CHECK(view.members.empty());
}
