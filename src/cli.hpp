// The command line: `epsitter [--check-config] [--no-watch] [--web.config.file WEB.yml]
// CONFIG.yaml`, plus --help, --version.
#pragma once

#include <optional>
#include <string>

namespace epsitter {

struct CommandLine {
  std::string config_path;
  bool check_config = false;    // validate, print a summary, exit 0 or 2
  bool watch_config = true;     // reload when the file changes (besides SIGHUP and POST /-/reload)
  std::string web_config_path;  // --web.config.file: TLS and basic auth for the port; "" for none
};

// Parses argv. When the process should exit right away (--help, --version, a usage error) it
// returns nullopt and sets `exit_code` (0 or 2) after printing what CLI11 prints.
std::optional<CommandLine> parse_command_line(int argc, char** argv, int& exit_code);

}  // namespace epsitter
