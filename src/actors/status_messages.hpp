// The messages that fetch the status page's snapshot from the metrics actor.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "status/status_snapshot.hpp"

namespace epsitter {

// Anyone to the metrics actor: reply with the current StatusReply.
using status_atom = caf::atom_constant<caf::atom("status")>;

// Shared and immutable: CivetWeb threads render it without holding anything of the actor's.
struct StatusReply {
  StatusSnapshotPtr snapshot;
};

}  // namespace epsitter

// Local-only message: never serialised, so it needs no inspect().
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::StatusReply)
