// Renders the status page: one self-contained HTML document (inline CSS, SVG and script).
#pragma once

#include <string>

#include "status/status_snapshot.hpp"

namespace epsitter {

// Ages ("5m 12s ago") are measured to `now`. Every name, namespace and URL is HTML-escaped.
std::string render_status_page(const StatusSnapshot& snapshot, WallClock::time_point now);

}  // namespace epsitter
