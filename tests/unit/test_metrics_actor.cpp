// The metrics actor in a real actor system: what it makes of target sets and probe results, as the
// exposition and the status snapshot it hands out show.

// Prints std::optional values in failed checks (failure reasons).
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor_stubs.hpp"
#include "actors/messages.hpp"
#include "actors/metrics_actor.hpp"
#include "actors/result_inbox.hpp"
#include "actors/status_messages.hpp"
#include "exposition_samples.hpp"
#include "metrics/exposition.hpp"
#include "metrics/protobuf_exposition.hpp"
#include "wait_until.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

const std::string kOwn =
    "# HELP sitter_own A family of epsitter's own.\n"
    "# TYPE sitter_own gauge\n"
    "sitter_own 1.0\n";

// The labels every series of the target named `name` carries, as rendered.
std::string labels_of(const std::string& name) {
  return "{name=\"" + name + "\",namespace=\"prod\",method=\"get\",url=\"http://127.0.0.1:1/" +
         name + "\"";
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct MetricsFixture {
  explicit MetricsFixture(double reuse_factor = 0.0)
      : metrics(spawn_metrics_actor(system, results, "sitter", reuse_factor)) {}

  ResultInbox results;  // declared before the system: it outlives the actor
  SmallSystemConfig config;
  caf::actor_system system{config};
  caf::actor metrics;  // by default every result shows at the next request
  // One sender for every message: CAF keeps the order of messages between two actors, so a
  // request sees the effect of every send before it.
  caf::scoped_actor self{system};

  // The system's destructor waits for the actor to end, once `self` (which counts as a running
  // actor) has gone before it.
  ~MetricsFixture() { caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown); }

  static SharedTarget target(const std::string& name) {
    auto made = std::make_shared<Target>();
    made->labels = {name, "prod", "get", "http://127.0.0.1:1/" + name};
    made->url = made->labels.url;
    return made;
  }

  void configure(std::vector<SharedTarget> targets, std::vector<double> buckets = {0.1, 1}) {
    self->send(metrics, targets_atom::value, LabelSet{std::move(targets), std::move(buckets)});
  }

  void report(const SharedTarget& target, int status, double seconds) {
    ProbeResult result;
    result.status_code = status;
    result.duration_seconds = seconds;
    Verdict verdict;
    if (status != 200) verdict = Verdict{FailureReason::status, "status " + std::to_string(status)};
    if (results.post(ProbeDone{target, std::move(result), std::move(verdict)})) {
      self->send(metrics, drain_atom::value);
    }
  }

  ExpositionPtr exposition(const std::string& own = kOwn) {
    ExpositionPtr got;
    self->request(metrics, kGenerousWait, exposition_atom::value, own)
        .receive([&](const ExpositionReply& reply) { got = reply.exposition; },
                 [](const caf::error&) {});
    REQUIRE(got);
    return got;
  }

  std::string plain(const std::string& own = kOwn) { return received(exposition(own)->plain()); }

  std::shared_ptr<const ProtobufTargets> protobuf_object() {
    std::shared_ptr<const ProtobufTargets> got;
    self->request(metrics, kGenerousWait, protobuf_atom::value)
        .receive([&](const ProtobufReply& reply) { got = reply.targets; },
                 [](const caf::error&) {});
    REQUIRE(got);
    return got;
  }

  std::string protobuf() { return protobuf_object()->bytes(); }

  StatusSnapshotPtr status() {
    StatusSnapshotPtr got;
    self->request(metrics, kGenerousWait, status_atom::value)
        .receive([&](const StatusReply& reply) { got = reply.snapshot; }, [](const caf::error&) {});
    REQUIRE(got);
    return got;
  }
};

}  // namespace

TEST_CASE_METHOD(MetricsFixture, "probe results show in the exposition under the target's labels") {
  const SharedTarget a = target("a");
  const SharedTarget b = target("b");
  configure({a, b});
  report(a, 200, 0.25);
  report(a, 200, 0.5);
  report(b, 503, 0.05);

  const ExpositionPtr scrape = exposition();
  const std::string text = received(scrape->plain());
  CHECK(has_line(text, "sitter_request_time_count" + labels_of("a") + "} 2.0"));
  CHECK(has_line(text, "sitter_request_time_sum" + labels_of("a") + "} 0.75"));
  CHECK(has_line(text, "sitter_request_time_count" + labels_of("b") + "} 1.0"));
  CHECK(has_line(text, "sitter_http_status_code_total" + labels_of("a") + ",status=\"200\"} 2.0"));
  CHECK(has_line(text, "sitter_http_status_code_total" + labels_of("b") + ",status=\"503\"} 1.0"));
  CHECK(text.find("sitter_http_status_code_total" + labels_of("b") + ",status=\"200\"") ==
        std::string::npos);
  // The duration buckets are the ones the target set brought.
  CHECK(has_line(text,
                 "sitter_request_duration_seconds_bucket" + labels_of("a") + ",le=\"0.1\"} 0.0"));
  CHECK(has_line(text,
                 "sitter_request_duration_seconds_bucket" + labels_of("a") + ",le=\"1.0\"} 2.0"));
  CHECK(has_line(text,
                 "sitter_request_duration_seconds_bucket" + labels_of("b") + ",le=\"0.1\"} 1.0"));
  // The scraper's own families come last, and gzip holds the same text.
  REQUIRE(text.size() > kOwn.size());
  CHECK(text.compare(text.size() - kOwn.size(), kOwn.size(), kOwn) == 0);
  CHECK(gunzip(received(scrape->gzip())) == text);
}

TEST_CASE_METHOD(MetricsFixture, "a configured target shows before its first probe") {
  configure({target("new")});
  const std::string text = plain();
  CHECK(has_line(text, "sitter_request_time_count" + labels_of("new") + "} 0.0"));
  CHECK(text.find("sitter_http_status_code_total" + labels_of("new")) == std::string::npos);
  const StatusSnapshotPtr snapshot = status();
  REQUIRE(snapshot->find("new") != nullptr);
  CHECK(snapshot->find("new")->state == TargetState::pending);
  CHECK(snapshot->find("new")->probes == 0);
}

TEST_CASE_METHOD(MetricsFixture, "a result after an exposition shows in the next one") {
  const SharedTarget a = target("a");
  configure({a});
  report(a, 200, 0.01);
  const std::string first = plain();
  CHECK(has_line(first, "sitter_request_time_count" + labels_of("a") + "} 1.0"));
  // Nothing changed: the same text, with this scrape's own families.
  const std::string own = "sitter_other 2.0\n";
  const std::string again = plain(own);
  CHECK(again.compare(0, first.size() - kOwn.size(), first, 0, first.size() - kOwn.size()) == 0);
  CHECK(again.compare(again.size() - own.size(), own.size(), own) == 0);

  report(a, 500, 0.01);
  const std::string after = plain();
  CHECK(has_line(after, "sitter_request_time_count" + labels_of("a") + "} 2.0"));
  CHECK(has_line(after, "sitter_http_status_code_total" + labels_of("a") + ",status=\"500\"} 1.0"));
}

TEST_CASE_METHOD(MetricsFixture, "targets removed from the set leave the exposition and status") {
  const SharedTarget a = target("a");
  const SharedTarget gone = target("gone");
  configure({a, gone});
  report(a, 200, 0.01);
  report(gone, 200, 0.01);
  REQUIRE(plain().find("name=\"gone\"") != std::string::npos);

  // A reload hands over an equal target as a new object: its counters carry on.
  configure({target("a")});
  std::string text = plain();
  CHECK(text.find("name=\"gone\"") == std::string::npos);
  CHECK(has_line(text, "sitter_request_time_count" + labels_of("a") + "} 1.0"));
  CHECK(status()->find("gone") == nullptr);
  REQUIRE(status()->find("a") != nullptr);
  CHECK(status()->find("a")->probes == 1);

  // A probe that was in flight when its target went is dropped, not brought back.
  report(gone, 200, 0.01);
  text = plain();
  CHECK(text.find("name=\"gone\"") == std::string::npos);
  CHECK(status()->find("gone") == nullptr);
}

TEST_CASE_METHOD(MetricsFixture, "the status snapshot is shared until a result or a set changes") {
  const SharedTarget up = target("up");
  const SharedTarget down = target("down");
  configure({up, down});
  report(up, 200, 0.01);
  report(down, 503, 0.02);

  const StatusSnapshotPtr first = status();
  CHECK(status() == first);  // the same object: nothing changed between the two asks
  REQUIRE(first->targets.size() == 2);
  const TargetStatus* up_status = first->find("up");
  const TargetStatus* down_status = first->find("down");
  REQUIRE(up_status != nullptr);
  REQUIRE(down_status != nullptr);
  CHECK(up_status->state == TargetState::up);
  CHECK(up_status->probes == 1);
  REQUIRE(up_status->last);
  CHECK(up_status->last->status_code == 200);
  CHECK(up_status->labels == up->labels);
  CHECK(down_status->state == TargetState::down);
  REQUIRE(down_status->last);
  CHECK(down_status->last->status_code == 503);
  CHECK(down_status->last->failure == FailureReason::status);
  // A namespace's down targets come first.
  CHECK(first->targets.front().labels.name == "down");

  report(up, 200, 0.01);
  const StatusSnapshotPtr second = status();
  CHECK(second != first);
  REQUIRE(second->find("up") != nullptr);
  CHECK(second->find("up")->probes == 2);
  CHECK(first->find("up")->probes == 1);  // a snapshot handed out never changes

  configure({up});
  const StatusSnapshotPtr third = status();
  CHECK(third != second);
  CHECK(third->targets.size() == 1);
}

TEST_CASE_METHOD(MetricsFixture, "a full batch of results is taken without anyone asking") {
  const SharedTarget a = target("a");
  configure({a});
  (void)status();  // the set is applied (which takes results too) before any is posted
  for (std::size_t i = 1; i < ResultInbox::kBatch; ++i) report(a, 200, 0.01);
  CHECK(results.size() == ResultInbox::kBatch - 1);  // waiting: nobody asked yet
  report(a, 200, 0.01);                               // completes the batch: the actor is told
  CHECK(wait_until([&] { return results.size() == 0; }));
  CHECK(has_line(plain(), "sitter_request_time_count" + labels_of("a") + "} " +
                              std::to_string(ResultInbox::kBatch) + ".0"));
}

TEST_CASE_METHOD(MetricsFixture,
                 "the protobuf exposition is shared until a result or a set changes") {
  const SharedTarget a = target("a");
  configure({a});
  report(a, 200, 0.25);
  const std::string first = protobuf();
  CHECK(first.find("sitter_request_duration_seconds") != std::string::npos);
  CHECK(first.find("http://127.0.0.1:1/a") != std::string::npos);
  CHECK(protobuf_object() == protobuf_object());  // the same object: nothing changed
  CHECK(protobuf() == first);
  report(a, 200, 0.5);
  CHECK(protobuf() != first);
  configure({});
  CHECK(protobuf().find("http://127.0.0.1:1/a") == std::string::npos);
}

namespace {

// Renderings are served for a billion times their rendering time after a change: for the length of
// the test.
struct PatientMetricsFixture : MetricsFixture {
  PatientMetricsFixture() : MetricsFixture(1e9) {}
};

}  // namespace

TEST_CASE_METHOD(PatientMetricsFixture,
                 "after a result, renderings are reused for their window; a new set ends it") {
  const SharedTarget a = target("a");
  configure({a});
  report(a, 200, 0.25);
  const std::string text = plain();
  const std::shared_ptr<const ProtobufTargets> bytes = protobuf_object();
  const StatusSnapshotPtr snapshot = status();
  CHECK(has_line(text, "sitter_request_time_count" + labels_of("a") + "} 1.0"));

  // A client asking again at once gets what was rendered, result or not: however fast it asks,
  // the actor does not render again within the window.
  report(a, 500, 0.5);
  CHECK(plain() == text);
  CHECK(protobuf_object() == bytes);
  CHECK(status() == snapshot);

  // A new set of targets is shown at once: a removed target leaves the next scrape.
  configure({a, target("b")});
  const std::string after = plain();
  CHECK(has_line(after, "sitter_request_time_count" + labels_of("a") + "} 2.0"));
  CHECK(after.find("name=\"b\"") != std::string::npos);
  CHECK(protobuf_object() != bytes);
  CHECK(status() != snapshot);
  CHECK(status()->find("a")->probes == 2);
}
