// Wiring only: arguments, environment, signals, then start everything and stop it in order.
#include <spdlog/logger.h>

#include <caf/all.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <set>

#include "actors/messages.hpp"
#include "actors/metrics_actor.hpp"
#include "actors/status_messages.hpp"
#include "actors/supervisor.hpp"
#include "cli.hpp"
#include "config/config_loader.hpp"
#include "config/settings.hpp"
#include "log/logger.hpp"
#include "probe/http_engine.hpp"
#include "revision.hpp"
#include "web/metrics_route.hpp"
#include "web/status_routes.hpp"
#include "web/web_server.hpp"

namespace {

using namespace epsitter;

constexpr int kExitConfigError = 2;
constexpr int kExitStartError = 1;
constexpr auto kScrapeTimeout = std::chrono::seconds(10);

// Blocks the signals we handle in this thread and, by inheritance, in every thread started later,
// so that only the sigwait() loop below sees them.
sigset_t block_handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string summary(const Config& config) {
  std::set<std::string> namespaces;
  for (const auto& target : config.targets) namespaces.insert(target.labels.namespace_);
  return std::to_string(config.targets.size()) + " targets in " +
         std::to_string(namespaces.size()) + " namespaces";
}

// Loads the config again on SIGHUP; a broken file is logged and the running targets stay.
void reload(const std::string& path, const caf::actor& supervisor, spdlog::logger& log) {
  try {
    Config config = load_config_file(path);
    log.info("msg=\"config reloaded\" file=\"{}\" summary=\"{}\"", path, summary(config));
    caf::anon_send(supervisor, apply_atom::value, TargetSet{std::move(config.targets)});
  } catch (const ConfigError& error) {
    log.error("msg=\"config reload failed, keeping the running config\" error=\"{}\"",
              error.what());
  }
}

ProbeContext make_probe_context(const Settings& settings, HttpEngine& engine,
                                const caf::actor& metrics, spdlog::logger& log) {
  ProbeContext context;
  context.engine = &engine;
  context.metrics = metrics;
  context.log = &log;
  context.interval = settings.poll_interval;
  context.default_timeout = settings.request_timeout;
  context.user_agent = std::string("epsitter/") + EPSITTER_VERSION;
  return context;
}

// A CivetWeb thread asks the metrics actor for the current text; it is not an actor, so it
// borrows a scoped one for the round trip.
ExpositionSource exposition_from(caf::actor_system& system, caf::actor metrics) {
  return [&system, metrics]() -> std::shared_ptr<const std::string> {
    caf::scoped_actor self{system};
    std::shared_ptr<const std::string> text;
    self->request(metrics, kScrapeTimeout, render_atom::value)
        .receive([&text](ExpositionText& reply) { text = std::move(reply.text); },
                 [](const caf::error&) {});
    return text;
  };
}

// Likewise for the status page: the snapshot is immutable, so rendering needs no lock.
StatusSource status_from(caf::actor_system& system, caf::actor metrics) {
  return [&system, metrics]() -> StatusSnapshotPtr {
    caf::scoped_actor self{system};
    StatusSnapshotPtr snapshot;
    self->request(metrics, kScrapeTimeout, status_atom::value)
        .receive([&snapshot](StatusReply& reply) { snapshot = std::move(reply.snapshot); },
                 [](const caf::error&) {});
    return snapshot;
  };
}

int run(const CommandLine& line, const Settings& settings, Config config, spdlog::logger& log) {
  const sigset_t signals = block_handled_signals();

  caf::actor_system_config caf_config;
  caf_config.set("scheduler.max-threads", static_cast<std::size_t>(settings.pool_size));
  caf::actor_system system{caf_config};

  HttpEngine engine{log};
  caf::actor metrics = spawn_metrics_actor(system, settings.metric_prefix);
  caf::actor supervisor =
      spawn_supervisor(system, make_probe_context(settings, engine, metrics, log));
  const std::size_t target_count = config.targets.size();
  caf::anon_send(supervisor, apply_atom::value, TargetSet{std::move(config.targets)});

  int exit_code = 0;
  try {
    std::vector<Route> routes{make_metrics_route({exposition_from(system, metrics)})};
    for (auto& route : make_status_routes(status_from(system, metrics))) {
      routes.push_back(std::move(route));
    }
    WebServer server{WebServer::Options{settings.server_port, 8}, std::move(routes), log};
    log.info(
        "msg=\"listening\" port={} targets={} poll_interval_seconds={} pool_size={} "
        "version={} revision={}",
        server.port(), target_count, settings.poll_interval.count() / 1000.0, settings.pool_size,
        EPSITTER_VERSION, EPSITTER_REVISION);
    for (;;) {
      int signal = 0;
      sigwait(&signals, &signal);
      if (signal == SIGHUP) {
        reload(line.config_path, supervisor, log);
        continue;
      }
      log.info("msg=\"stopping\" signal={}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      break;
    }
  } catch (const std::runtime_error& error) {
    log.critical("msg=\"cannot start\" error=\"{}\"", error.what());
    exit_code = kExitStartError;
  }
  // The web server is gone here (no more scrapes); now the probes, then the actors.
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  engine.stop();
  caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
  system.await_all_actors_done();
  log.info("msg=\"stopped\"");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  const auto line = parse_command_line(argc, argv, exit_code);
  if (!line) return exit_code;

  Settings settings;
  try {
    settings = settings_from_env([](const char* name) { return std::getenv(name); });
  } catch (const SettingsError& error) {
    std::cerr << "epsitter: error: " << error.what() << '\n';
    return kExitConfigError;
  }
  auto log = make_stderr_logger(settings.log_level);

  Config config;
  try {
    config = load_config_file(line->config_path);
  } catch (const ConfigError& error) {
    std::cerr << "epsitter: error: " << error.what() << '\n';
    return kExitConfigError;
  }
  if (line->check_config) {
    std::cout << "config OK: " << line->config_path << ": " << summary(config) << '\n';
    return 0;
  }
  return run(*line, settings, std::move(config), *log);
}
