// Renders the status page: one self-contained HTML document (inline CSS, SVG and script).
#pragma once

#include <string>
#include <string_view>

#include "status/status_snapshot.hpp"

namespace epsitter {

// Ages ("5m 12s ago") are measured to `now`. Every name, namespace and URL is HTML-escaped.
// `shard`, when not empty, is a line under the summary saying how this replica shares the targets
// (its shard, or its lease group's live members), escaped too.
std::string render_status_page(const StatusSnapshot& snapshot, WallClock::time_point now,
                               std::string_view shard = {});

}  // namespace epsitter
