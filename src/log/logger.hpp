// Creates the one stderr logger that every component receives by reference (no global registry).
#pragma once

#include <memory>

#include "config/settings.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

// Lines look like: 2026-11-25T05:00:00.123Z level=info msg="probe failed" target=api error=timeout
std::shared_ptr<spdlog::logger> make_stderr_logger(LogLevel level);

}  // namespace epsitter
