// Wiring only: arguments, environment, signals, then start everything and stop it in order.
#include <spdlog/logger.h>
#include <unistd.h>

#include <atomic>
#include <caf/all.hpp>
#include <csignal>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <optional>

#include "actors/actor_bridge.hpp"
#include "actors/metrics_actor.hpp"
#include "actors/result_inbox.hpp"
#include "actors/supervisor.hpp"
#include "cli.hpp"
#include "config/config_loader.hpp"
#include "config/settings.hpp"
#include "config/web_config.hpp"
#include "discovery/kubernetes_discovery.hpp"
#include "log/logfmt.hpp"
#include "log/logger.hpp"
#include "membership/lease_membership.hpp"
#include "membership/membership_plan.hpp"
#include "membership/shard_json.hpp"
#include "metrics/own_families.hpp"
#include "metrics/start_delay.hpp"
#include "os/allocator_tuning.hpp"
#include "os/descriptor_limit.hpp"
#include "probe/http_engine.hpp"
#include "probe/token_cache.hpp"
#include "reload/config_reloader.hpp"
#include "reload/config_watcher.hpp"
#include "reload/target_sources.hpp"
#include "revision.hpp"
#include "web/metrics_route.hpp"
#include "web/operations_routes.hpp"
#include "web/shard_route.hpp"
#include "web/status_routes.hpp"
#include "web/tls_setup.hpp"
#include "web/web_server.hpp"

namespace {

using namespace epsitter;

constexpr int kExitConfigError = 2;
constexpr int kExitStartError = 1;
constexpr auto kActorTimeout = std::chrono::seconds(10);
// Below the Deployment's livenessProbe timeoutSeconds, so that a slow answer is a clear 503.
constexpr auto kHealthTimeout = std::chrono::seconds(3);

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

// The real environment, for settings and for ${VAR} in the config.
const char* process_env(const char* name) {
  return std::getenv(name);
}

void log_descriptor_limit(const DescriptorLimit& limit, spdlog::logger& log) {
  if (!limit.error.empty()) {
    log.warn("msg=\"cannot raise the open file limit\" soft={} hard={} error={}", limit.soft,
             limit.hard, logged(limit.error));
    return;
  }
  log.info("msg=\"open file limit\" soft={} hard={} soft_before={}", limit.soft, limit.hard,
           limit.soft_before);
}

// A StatefulSet pod's host name (NAME-N) gives the shard index when SHARD_INDEX is unset.
std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// Reloads on SIGHUP; returns on SIGTERM or SIGINT.
void wait_for_stop(const sigset_t& signals, ConfigReloader& reloader, spdlog::logger& log) {
  for (;;) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal == SIGHUP) {
      reloader.reload("SIGHUP");
      continue;
    }
    log.info("msg=\"stopping\" signal={}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    return;
  }
}

std::string user_agent() {
  return std::string("epsitter/") + EPSITTER_VERSION;
}

ProbeContext make_probe_context(const Settings& settings, HttpEngine& engine, TokenCache& tokens,
                                StartDelayHistogram& start_delays, ResultInbox& results,
                                const caf::actor& metrics, spdlog::logger& log) {
  ProbeContext context;
  context.engine = &engine;
  context.tokens = &tokens;
  context.start_delays = &start_delays;
  context.results = &results;
  context.metrics = metrics;
  context.log = &log;
  context.interval = settings.poll_interval;
  context.default_timeout = settings.request_timeout;
  context.user_agent = user_agent();
  return context;
}

// epsitter's own families, read from the reloader, the target sources and discovery at every
// scrape.
OwnFamilies own_families(const Settings& settings, const StartDelayHistogram& start_delays,
                         const ConfigReloader& reloader, const TargetSources& sources,
                         const DiscoveryStats& stats, const TokenCache& tokens,
                         const LeaseMembership* const& membership) {
  OwnFamilies::Readers readers;
  readers.reload = [&reloader] {
    const ReloadStatus status = reloader.status();
    return ReloadGauges{status.last_successful, status.last_success_unix_seconds};
  };
  readers.discovery = [&sources, &stats] {
    const SourceCounts counts = sources.counts();
    return DiscoveryGauges{counts.by_source,
                           stats.api_errors,
                           stats.object_errors,
                           stats.policy_errors,
                           stats.last_sync_unix_seconds,
                           counts.shard_targets};
  };
  readers.oauth2 = [&tokens] {
    TokenRequestCounts counts = tokens.counts();
    return OAuth2Counts{std::move(counts.requests), std::move(counts.failures)};
  };
  if (settings.lease_sharding.enabled) {
    // `membership` is set before the web server starts, the only caller of the readers.
    readers.shard = [&membership] {
      const MembershipView view = membership ? membership->view() : MembershipView{};
      return ShardGauges{view.members.size(), view.changes, state_name(view.state)};
    };
  }
  return OwnFamilies{
      settings.metric_prefix,
      BuildInfo{EPSITTER_VERSION, EPSITTER_REVISION, settings.shard.index, settings.shard.count},
      start_delays, std::move(readers)};
}

std::vector<Route> make_routes(caf::actor_system& system, const caf::actor& metrics,
                               const caf::actor& supervisor, ConfigReloader& reloader,
                               const OwnFamilies& own, const std::atomic<bool>& stopping,
                               const LeaseMembership* const& membership,
                               const std::function<ShardReport()>& shard) {
  Operations operations;
  operations.healthy = [&system, supervisor] {
    return supervisor_answers(system, supervisor, kHealthTimeout);
  };
  // In membership mode a replica whose Lease ran out probes nothing: not ready, so that it shows.
  operations.ready = [&reloader, &stopping, &membership] {
    return !stopping && reloader.status().ever_applied &&
           (membership == nullptr || membership->view().state == MembershipState::member);
  };
  operations.reload = [&reloader] {
    // On a thread of its own: CivetWeb's workers run on 100 KiB stacks, too small to load a big or
    // deeply nested config and apply it (an AddressSanitizer build overflows them).
    const ReloadOutcome outcome = std::async(std::launch::async, [&reloader] {
                                    return reloader.reload("POST /-/reload");
                                  }).get();
    return ReloadAnswer{outcome.ok, outcome.message};
  };
  std::vector<Route> routes = make_operation_routes(std::move(operations));
  routes.push_back(make_metrics_route(
      [&system, metrics, &own] { return request_exposition(system, metrics, own, kActorTimeout); },
      [&system, metrics, &own] {
        return request_protobuf_exposition(system, metrics, own, kActorTimeout);
      }));
  routes.push_back(make_shard_route([shard] { return render_shard_json(shard()); }));
  for (auto& route : make_status_routes(
           [&system, metrics] { return request_status(system, metrics, kActorTimeout); },
           [shard] { return describe_shard(shard()); })) {
    routes.push_back(std::move(route));
  }
  return routes;
}

WebServer::Options web_options(const Settings& settings, const WebConfig& web) {
  WebServer::Options options;
  options.port = settings.server_port;
  options.response_timeout = settings.web_response_timeout;
  options.allowed_hosts = settings.web_allowed_hosts;
  options.tls = web.tls;
  options.basic_auth_users = web.basic_auth_users;
  return options;
}

// The web config, its TLS files loaded once to check them; nothing without --web.config.file.
// Throws ConfigError, or std::runtime_error naming the field whose file OpenSSL refused.
WebConfig load_web_config(const CommandLine& line) {
  if (line.web_config_path.empty()) return {};
  WebConfig web = load_web_config_file(line.web_config_path);
  if (web.tls) check_tls(*web.tls);
  return web;
}

int run(const CommandLine& line, const Settings& settings, Config config,
        const ExpandedSize& expanded, const WebConfig& web,
        const std::optional<MembershipPlan>& plan, spdlog::logger& log) {
  const sigset_t signals = block_handled_signals();
  log_descriptor_limit(raise_descriptor_limit(), log);

  caf::actor_system_config caf_config;
  caf_config.set("scheduler.max-threads", static_cast<std::size_t>(settings.pool_size));
  // Work stealing without CAF's moderate polling phase (500 rounds of 50 us sleeps after every
  // job): a worker that finds nothing after its short busy poll sleeps on a condition variable,
  // which a new job wakes. The polling kept workers waking ~20,000 times a second whenever probes
  // trickle in. Measured on 2 cores: 1,000 targets every 30 s cost 24% of a
  // core with it, 1.8% without; 1,000 probes/s 0.32 ms of CPU per probe with it, 0.17 without;
  // 10,000 probes/s 0.09 and 0.085 ms, the same throughput. Work sharing saved about as much
  // then, but stealing is what the sanitizer suites have proven.
  caf_config.set("work-stealing.moderate-poll-attempts", std::size_t{0});
  caf::actor_system system{caf_config};

  HttpEngine engine{log, static_cast<std::size_t>(settings.max_in_flight)};
  // Token requests go through the same engine as the probes, never a blocking call.
  TokenCache tokens{
      [&engine](std::shared_ptr<const ProbeRequest> request, TokenCache::Completion done) {
        engine.submit(std::move(request), std::move(done));
      },
      user_agent()};
  StartDelayHistogram start_delays;
  ResultInbox results;
  caf::actor metrics = spawn_metrics_actor(system, results, settings.metric_prefix);
  caf::actor supervisor = spawn_supervisor(
      system, make_probe_context(settings, engine, tokens, start_delays, results, metrics, log));
  DiscoveryStats discovery_stats;
  TargetSources sources{
      [&system, supervisor](TargetSet set) {
        return apply_targets(system, supervisor, std::move(set), kActorTimeout);
      },
      [&discovery_stats, &log](const KubernetesConfig& kubernetes, TargetSources::Publish publish) {
        return std::shared_ptr<void>{std::make_shared<KubernetesDiscovery>(
            kubernetes, std::move(publish), discovery_stats, log)};
      },
      settings.shard, discovery_stats, log};
  ConfigReloader reloader{
      line.config_path,
      [&sources](Config config) { return sources.apply_config(std::move(config)); }, log,
      system_wall_clock, process_env};
  // Membership mode: nothing is probed until the first member list arrives.
  if (plan) sources.use_members(plan->own.name, {});
  const LeaseMembership* membership = nullptr;  // set once, before the web server starts
  const OwnFamilies own =
      own_families(settings, start_delays, reloader, sources, discovery_stats, tokens, membership);
  std::atomic<bool> stopping{false};
  // Stops probing: no new probes are scheduled and those in flight are aborted.
  const auto stop_probing = [&] {
    stopping = true;
    sources.stop_discovery();  // first: a late discovery change must not reach a stopped supervisor
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    engine.stop();
  };

  int exit_code = 0;
  try {
    if (!web.basic_auth_users.empty() && !web.tls) {
      log.warn("msg=\"basic auth without TLS: passwords cross the network in clear text\"");
    }
    std::unique_ptr<LeaseMembership> lease_membership;
    if (plan) {
      lease_membership = std::make_unique<LeaseMembership>(
          plan->api, plan->own,
          [&sources, name = plan->own.name](const MembershipView& view) {
            sources.use_members(name, view.members);
          },
          log);
      membership = lease_membership.get();
      log.info(
          "msg=\"shard membership by leases\" lease={} namespace={} group={} "
          "lease_duration_seconds={} api_url={}",
          logged(plan->own.name), logged(plan->own.namespace_), logged(plan->own.group),
          plan->own.duration_seconds, logged(plan->api.api_url));
    }
    auto shard = [&settings, &plan, &sources, membership] {
      ShardReport report;
      if (plan && membership) {
        report = lease_report(*plan, membership->view());
      } else {
        report.index = settings.shard.index;
        report.count = settings.shard.count;
      }
      report.shard_targets = sources.counts().shard_targets;
      return report;
    };
    WebServer server{
        web_options(settings, web),
        make_routes(system, metrics, supervisor, reloader, own, stopping, membership, shard), log};
    // Every descriptor the daemon needs for its whole life is taken before the first probe: with a
    // low open-file limit and many hanging targets the probes take all that are left, which must
    // cost counted probe errors, not the watcher.
    std::optional<ConfigWatcher> watcher;
    if (line.watch_config) {
      watcher.emplace(
          line.config_path, ConfigWatcher::Options{},
          [&reloader] { reloader.reload("file changed"); }, log,
          [&reloader] { return reloader.referenced_files(); });
    }
    const std::size_t target_count = config.targets.size();
    const ReloadOutcome started = reloader.apply_initial(std::move(config), "start", expanded);
    if (!started.ok) throw std::runtime_error(started.message);
    log.info(
        "msg=\"listening\" port={} targets={} poll_interval_seconds={} pool_size={} "
        "shard={}/{} version={} revision={} https={} basic_auth_users={}",
        server.port(), target_count, settings.poll_interval.count() / 1000.0, settings.pool_size,
        settings.shard.index, settings.shard.count, EPSITTER_VERSION, EPSITTER_REVISION,
        web.tls.has_value(), web.basic_auth_users.size());
    wait_for_stop(signals, reloader, log);
    // The Lease first: the other replicas take this one's targets at once.
    if (lease_membership) lease_membership->leave();
    // Probes first (a hanging one must not hold up the exit), then the watcher and the web server
    // as this scope ends.
    stop_probing();
  } catch (const std::runtime_error& error) {
    log.critical("msg=\"cannot start\" error={}", logged(error.what()));
    exit_code = kExitStartError;
  }
  stop_probing();  // again, for the path where starting failed (both steps are idempotent)
  caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
  system.await_all_actors_done();
  log.info("msg=\"stopped\"");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();
  int exit_code = 0;
  const auto line = parse_command_line(argc, argv, exit_code);
  if (!line) return exit_code;

  Settings settings;
  try {
    settings = settings_from_env(process_env, host_name());
  } catch (const SettingsError& error) {
    std::cerr << "epsitter: error: " << error.what() << '\n';
    return kExitConfigError;
  }
  auto log = make_stderr_logger(settings.log_level);

  ExpansionBudget budget = config_expansion_budget();
  Config config;
  try {
    config = load_config_file(line->config_path, process_env, budget);
  } catch (const ConfigError& error) {
    std::cerr << "epsitter: error: " << error.what() << '\n';
    return kExitConfigError;
  }
  WebConfig web;
  try {
    web = load_web_config(*line);
  } catch (const std::runtime_error& error) {  // ConfigError is one too
    std::cerr << "epsitter: error: " << error.what() << '\n';
    return kExitConfigError;
  }
  if (line->check_config) {
    std::cout << "config OK: " << line->config_path << ": " << summarize(config) << "; "
              << describe_expansion(budget.used()) << '\n';
    return 0;
  }
  std::optional<MembershipPlan> plan;
  if (settings.lease_sharding.enabled) {
    try {
      plan = plan_membership(settings.lease_sharding, config.kubernetes, process_env);
    } catch (const std::runtime_error& error) {
      std::cerr << "epsitter: error: " << error.what() << '\n';
      return kExitConfigError;
    }
  }
  return run(*line, settings, std::move(config), budget.used(), web, plan, *log);
}
