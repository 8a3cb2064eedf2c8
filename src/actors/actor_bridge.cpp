// Calls into the actor system from plain threads (CivetWeb workers, the signal loop, the config
// watcher): one blocking request and its reply, bounded by a timeout.
#include "actors/actor_bridge.hpp"

#include <caf/all.hpp>
#include <stdexcept>

#include "actors/messages.hpp"
#include "actors/status_messages.hpp"
#include "metrics/own_families.hpp"
#include "metrics/protobuf_exposition.hpp"

namespace epsitter {

std::string apply_targets(caf::actor_system& system, const caf::actor& supervisor, TargetSet set,
                          std::chrono::milliseconds timeout) {
  // A scoped actor is the way for a thread outside the actor system to wait for a reply.
  caf::scoped_actor self{system};
  std::string summary;
  std::string failure;
  // cppcheck-suppress accessMoved ; `set` is moved exactly once, into the request
  self->request(supervisor, timeout, apply_atom::value, std::move(set))
      .receive(
          [&summary](const AppliedTargets& applied) {
            summary = "targets=" + std::to_string(applied.running) +
                      " started=" + std::to_string(applied.started) +
                      " kept=" + std::to_string(applied.kept) +
                      " stopped=" + std::to_string(applied.stopped);
          },
          [&failure, &system](const caf::error& error) { failure = system.render(error); });
  if (!failure.empty()) throw std::runtime_error("the supervisor did not apply it: " + failure);
  return summary;
}

bool supervisor_answers(caf::actor_system& system, const caf::actor& supervisor,
                        std::chrono::milliseconds timeout) {
  caf::scoped_actor self{system};
  bool answered = false;
  self->request(supervisor, timeout, health_atom::value)
      .receive([&answered](std::size_t) { answered = true; }, [](const caf::error&) {});
  return answered;
}

std::shared_ptr<const Exposition> request_exposition(caf::actor_system& system,
                                                     const caf::actor& metrics,
                                                     const OwnFamilies& own,
                                                     std::chrono::milliseconds timeout) {
  caf::scoped_actor self{system};
  std::shared_ptr<const Exposition> exposition;
  self->request(metrics, timeout, exposition_atom::value, own.render())
      .receive([&exposition](ExpositionReply& reply) { exposition = std::move(reply.exposition); },
               [](const caf::error&) {});
  return exposition;
}

std::shared_ptr<const ProtobufExposition> request_protobuf_exposition(
    caf::actor_system& system, const caf::actor& metrics, const OwnFamilies& own,
    std::chrono::milliseconds timeout) {
  caf::scoped_actor self{system};
  std::shared_ptr<const ProtobufTargets> targets;
  self->request(metrics, timeout, protobuf_atom::value)
      .receive([&targets](ProtobufReply& reply) { targets = std::move(reply.targets); },
               [](const caf::error&) {});
  if (!targets) return nullptr;
  return std::make_shared<const ProtobufExposition>(
      ProtobufExposition{std::move(targets), render_protobuf_own(own)});
}

StatusSnapshotPtr request_status(caf::actor_system& system, const caf::actor& metrics,
                                 std::chrono::milliseconds timeout) {
  caf::scoped_actor self{system};
  StatusSnapshotPtr snapshot;
  self->request(metrics, timeout, status_atom::value)
      .receive([&snapshot](StatusReply& reply) { snapshot = std::move(reply.snapshot); },
               [](const caf::error&) {});
  return snapshot;
}

}  // namespace epsitter
