// The command line: `epsitter [--check-config] [--no-watch] [--web.config.file WEB.yml]
// CONFIG.yaml`, plus --help, --version.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "config/defaults.hpp"
#include "revision.hpp"

namespace epsitter {

namespace {

std::string seconds(std::chrono::milliseconds duration) {
  return std::to_string(duration.count() / 1000) + " s";
}

std::string description() {
  return "epsitter, the endpoint babysitter: probes the HTTP(S) endpoints named in CONFIG on a\n"
         "schedule and serves what it saw as Prometheus metrics on :SERVER_PORT/metrics.\n\n"
         "Environment: LOG_LEVEL (INFO), POLL_INTERVAL (" +
         seconds(defaults::kPollInterval) + "), SERVER_PORT (" +
         std::to_string(defaults::kServerPort) + "), POOL_SIZE (" +
         std::to_string(defaults::kPoolSize) + "),\nREQUEST_TIMEOUT (" +
         seconds(defaults::kRequestTimeout) + "), METRIC_PREFIX (" +
         std::string{defaults::kMetricPrefix} +
         "), SHARD_COUNT (1), SHARD_INDEX (the -N of\n"
         "the host name), WEB_ALLOWED_HOSTS (Host names besides the cluster's),\n"
         "WEB_RESPONSE_TIMEOUT (" +
         seconds(defaults::kWebResponseTimeout) + ", plus 1 s per MiB).";
}

}  // namespace

std::optional<CommandLine> parse_command_line(int argc, char** argv, int& exit_code) {
  CLI::App app{description(), "epsitter"};
  CommandLine line;
  app.add_option("CONFIG", line.config_path, "YAML file with a `urls:` map of targets")->required();
  app.add_flag(
      "--check-config", line.check_config,
      "validate CONFIG and the environment, print a one-line summary, exit 0 (valid) or 2");
  bool no_watch = false;
  app.add_flag("--no-watch", no_watch,
               "do not watch CONFIG's directory for changes; reload on SIGHUP or POST /-/reload "
               "only");
  app.add_option("--web.config.file", line.web_config_path,
                 "TLS and basic auth for the HTTP port, in the format of Prometheus' "
                 "exporter-toolkit (tls_server_config, basic_auth_users)");
  app.set_version_flag("--version", std::string("epsitter ") + EPSITTER_VERSION + " (revision " +
                                        EPSITTER_REVISION + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    exit_code = code == 0 ? 0 : 2;
    return std::nullopt;
  }
  line.watch_config = !no_watch;
  return line;
}

}  // namespace epsitter
