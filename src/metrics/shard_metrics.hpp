// Renders the families of membership sharding (SHARD_MODE=lease): the live members this replica
// sees, how often they changed, and its own standing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace epsitter {

class FamilyWriter;

struct ShardGauges {
  std::size_t members = 0;    // live members seen, this replica included while it is one
  std::uint64_t changes = 0;  // changes of the member list seen
  std::string state;          // "joining", "member" or "lost"
};

// `prefix`_shard_members, `prefix`_shard_changes_total, `prefix`_shard_membership{state}.
std::string render_shard_metrics(std::string_view prefix, const ShardGauges& gauges);
// The same families in any format.
void write_shard_metrics(FamilyWriter& out, std::string_view prefix, const ShardGauges& gauges);

}  // namespace epsitter
