// The messages actors exchange: atoms, and the structs that carry probe results and config.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config/target.hpp"
#include "expect/evaluator.hpp"
#include "probe/probe_result.hpp"
#include "targets/target_set.hpp"

namespace epsitter {

// The HTTP engine to an OAuth 2.0 target's actor: its probe is due; fetch the token and send it.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// Supervisor to a target actor it no longer needs: finish and quit.
using stop_atom = caf::atom_constant<caf::atom("stop")>;
// A scraper to the metrics actor, with a std::string: reply with the exposition to serve (an
// ExpositionReply), the targets' families followed by that text. The text is epsitter's own
// families, which the scraper renders: they are read from objects outside the actor system.
using exposition_atom = caf::atom_constant<caf::atom("exposition")>;
// A scraper that asked for Prometheus' protobuf format to the metrics actor: reply with the
// targets' families in it (a ProtobufReply).
using protobuf_atom = caf::atom_constant<caf::atom("protobuf")>;
// Supervisor to the metrics actor: these are the targets now configured (series of others go).
using targets_atom = caf::atom_constant<caf::atom("targets")>;
// Target actor to the metrics actor: a batch of results waits in the ResultInbox; take them.
using drain_atom = caf::atom_constant<caf::atom("drain")>;
// Anyone to the supervisor: replace the running targets with this set (a diff, not a restart).
// The reply is an AppliedTargets.
using apply_atom = caf::atom_constant<caf::atom("apply")>;
// Anyone to the supervisor: are you there? Replies with the number of running targets.
using health_atom = caf::atom_constant<caf::atom("health")>;

// Target actor to metrics actor, through the ResultInbox: one finished probe (without its body and
// headers) and whether it met the target's expectations.
struct ProbeDone {
  SharedTarget target;  // shared, not copied: its labels are four strings, sent with every probe
  ProbeResult result;
  Verdict verdict;
};

class Exposition;
class ProtobufTargets;

// The metrics actor's reply to exposition_atom: shared and immutable, so that CivetWeb threads
// serve it without holding anything of the actor's.
struct ExpositionReply {
  std::shared_ptr<const Exposition> exposition;
};

// The metrics actor's reply to protobuf_atom.
struct ProtobufReply {
  std::shared_ptr<const ProtobufTargets> targets;
};

// The supervisor's reply to apply_atom: what the diff did.
struct AppliedTargets {
  std::size_t running = 0;
  std::size_t started = 0;
  std::size_t kept = 0;
  std::size_t stopped = 0;
};

// The supervisor to the metrics actor: the targets now configured (series of others go). Shared,
// not copied: the metrics actor reads their labels, extra labels (sitter_target_info) and source.
struct LabelSet {
  std::vector<SharedTarget> targets;
  std::vector<double> duration_buckets;
  FamilySelection families{};  // what /metrics renders of them (`metrics:`)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TargetLabels& x) {
  return f(caf::meta::type_name("TargetLabels"), x.name, x.namespace_, x.method, x.url);
}

}  // namespace epsitter

// Local-only messages: never serialised, so they need no inspect().
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::ExpositionReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::ProtobufReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::TargetSet)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::AppliedTargets)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::ProbeResult)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::LabelSet)
