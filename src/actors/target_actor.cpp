// A target actor: keeps one target's schedule, handed to the HTTP engine probe by probe, and judges
// and passes on each result.
#include "actors/target_actor.hpp"

#include <spdlog/logger.h>

#include <caf/all.hpp>
#include <type_traits>

#include "actors/messages.hpp"
#include "actors/result_inbox.hpp"
#include "actors/schedule.hpp"
#include "expect/evaluator.hpp"
#include "log/logfmt.hpp"
#include "metrics/start_delay.hpp"
#include "probe/http_engine.hpp"
#include "probe/token_cache.hpp"

// Local-only: never serialised.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(epsitter::TokenOutcome)

namespace epsitter {

namespace {

// The target and the context are immutable and shared (with the supervisor, every other target
// actor): 10,000 targets hold one copy of each. The request is built for each probe and freed when
// it ends: a microsecond of a probe's ~80 of CPU, where keeping one per target took ~7 MB.
struct TargetState {
  static inline const char* name = "target";
  SharedTarget target;
  std::shared_ptr<const ProbeContext> context;
  std::chrono::milliseconds interval{0};  // the target's own, or POLL_INTERVAL
  caf::actor_clock::time_point planned;   // when the probe in flight, or the next one, is due
  // The engine holds it weakly until it is due: freed with this state, it cancels the next probe.
  std::shared_ptr<const HttpEngine::Slot> slot;
  // oauth2 targets: the token the probe in flight sends, and whether a 401 already refreshed it.
  std::string token;
  bool refreshed = false;
};

using TargetActor = caf::stateful_actor<TargetState>;

// Never logs a response's body or header values: only which check failed.
void log_result(spdlog::logger& log, const TargetLabels& labels, const ProbeResult& result,
                const Verdict& verdict) {
  if (verdict.success()) {
    log.debug("msg=\"probe done\" target={} namespace={} status={} duration_seconds={:.6f}",
              logged(labels.name), logged(labels.namespace_), result.status_code,
              result.duration_seconds);
  } else if (result.error == ProbeError::none) {
    log.warn(
        "msg=\"probe failed\" target={} namespace={} reason={} status={} "
        "duration_seconds={:.6f} detail={}",
        logged(labels.name), logged(labels.namespace_), to_label(*verdict.failure),
        result.status_code, result.duration_seconds, logged(verdict.detail));
  } else {
    log.warn(
        "msg=\"probe failed\" target={} namespace={} error={} duration_seconds={:.6f} "
        "detail={}",
        logged(labels.name), logged(labels.namespace_), to_label(result.error),
        result.duration_seconds, logged(result.error_detail));
  }
}

// The slot's functions run on the engine's thread. A target with a token to fetch is told it is
// due; any other's request is built there and then, so a probe costs this actor one run (its
// result), no timer and no wake-up. The request is built for each probe and freed when it ends.
std::shared_ptr<const HttpEngine::Slot> make_slot(TargetActor* self) {
  auto& state = self->state;
  HttpEngine::Slot slot;
  // A strong handle: the slot lives in this actor's state and goes with it when the actor ends.
  slot.on_done = [me = caf::actor_cast<caf::actor>(self)](ProbeResult result) {
    caf::anon_send(me, std::move(result));
  };
  if (state.target->extras->oauth2) {
    slot.on_due = [me = caf::actor_cast<caf::actor>(self)] {
      caf::anon_send(me, tick_atom::value);
      return std::shared_ptr<const ProbeRequest>{};
    };
  } else {
    slot.on_due = [target = state.target, context = state.context] {
      return std::make_shared<const ProbeRequest>(make_probe_request(*target, *context));
    };
  }
  return std::make_shared<const HttpEngine::Slot>(std::move(slot));
}

// An OAuth 2.0 target's probe, once its token is there.
void send_probe_with_token(TargetActor* self) {
  auto& state = self->state;
  ProbeRequest request = make_probe_request(*state.target, *state.context);
  request.bearer_token = state.token;
  state.context->engine->submit(std::make_shared<const ProbeRequest>(std::move(request)),
                                state.slot->on_done);
}

// The next probe is planned from this one's plan. Rounds whose time passed while this probe ran
// are skipped: a hanging target holds one socket, not one per round.
void plan_next_probe(TargetActor* self) {
  auto& state = self->state;
  const auto next = next_probe_time(state.planned, state.interval, self->clock().now());
  const auto skipped = (next - state.planned) / state.interval - 1;
  if (skipped > 0) {
    state.context->log->warn(
        "msg=\"probe skipped, previous one still running\" target={} namespace={} rounds={}",
        logged(state.target->labels.name), logged(state.target->labels.namespace_), skipped);
  }
  state.planned = next;
  state.context->engine->submit_at(next, state.slot);
}

// The token comes back as a message: from the cache at once, or from the engine's thread once the
// token endpoint answered. Never a wait on this actor's thread.
void ask_token(TargetActor* self) {
  auto& state = self->state;
  auto reply = [me = caf::actor_cast<caf::actor>(self)](TokenOutcome outcome) {
    caf::anon_send(me, std::move(outcome));
  };
  if (state.context->tokens == nullptr) {
    reply(TokenOutcome{{}, "no token cache"});
    return;
  }
  state.context->tokens->get(*state.target->extras->oauth2,
                             state.target->timeout.value_or(state.context->default_timeout),
                             std::move(reply));
}

// A probe that could not be sent for want of a token: it counts as a failed probe of the target
// (reason oauth2); the token request itself is no probe of it.
ProbeResult without_token(std::string problem) {
  ProbeResult result;
  result.error = ProbeError::oauth2;
  result.error_detail = std::move(problem);
  result.started = std::chrono::steady_clock::now();
  result.finished_unix_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return result;
}

void finish_probe(TargetActor* self, ProbeResult& result) {
  auto& state = self->state;
  state.token.clear();
  static_assert(std::is_same_v<caf::actor_clock::clock_type, std::chrono::steady_clock>,
                "the engine stamps `started` with the steady clock");
  // An oauth2 probe starts when its token is there, which is no scheduling delay.
  if (state.context->start_delays != nullptr && !state.target->extras->oauth2) {
    state.context->start_delays->observe(result.started - state.planned);
  }
  Verdict verdict = evaluate(state.target->extras->expect, result);
  log_result(*state.context->log, state.target->labels, result, verdict);
  // The body and headers were kept for the expectations only; the metrics need neither.
  result.body = {};
  result.headers = {};
  if (state.context->results->post(
          ProbeDone{state.target, std::move(result), std::move(verdict)})) {
    self->send(state.context->metrics, drain_atom::value);
  }
  plan_next_probe(self);
}

caf::behavior target_actor(TargetActor* self, SharedTarget target,
                           std::shared_ptr<const ProbeContext> context,
                           caf::actor_clock::time_point first_probe) {
  auto& state = self->state;
  state.target = std::move(target);
  state.context = std::move(context);
  state.interval = state.target->interval.value_or(state.context->interval);
  state.planned = first_probe;
  state.slot = make_slot(self);
  state.context->engine->submit_at(first_probe, state.slot);
  return {
      [self](tick_atom) {
        self->state.refreshed = false;
        ask_token(self);
      },
      [self](TokenOutcome& outcome) {
        auto& state = self->state;
        if (!outcome.ok()) {
          ProbeResult result = without_token(std::move(outcome.problem));
          finish_probe(self, result);
          return;
        }
        state.token = std::move(outcome.token);
        send_probe_with_token(self);
      },
      [self](ProbeResult& result) {
        auto& state = self->state;
        // A revoked or rotated token: refreshed once, then the probe is tried once more; a second
        // 401 is the target's answer.
        if (result.status_code == 401 && state.target->extras->oauth2 && !state.refreshed &&
            state.context->tokens != nullptr) {
          state.refreshed = true;
          state.context->tokens->invalidate(*state.target->extras->oauth2, state.token);
          state.token.clear();
          ask_token(self);
          return;
        }
        finish_probe(self, result);
      },
      [self](stop_atom) {
        self->state.slot.reset();  // the next probe is not sent
        self->quit();
      },
  };
}

}  // namespace

ProbeRequest make_probe_request(const Target& target, const ProbeContext& context) {
  ProbeRequest request;
  request.url = target.url;
  request.method = target.method;
  request.timeout = target.timeout.value_or(context.default_timeout);
  request.auth_user = target.extras->auth_user;
  request.auth_pass = target.extras->auth_pass;
  request.bearer_token = target.extras->bearer_token;
  request.body = target.body;
  request.headers = target.headers;
  request.secret_headers = target.extras->secret_headers;
  request.default_user_agent = context.user_agent;
  request.follow_redirects = target.follow_redirects;
  request.keepalive = target.keepalive;
  request.ip_version = target.ip_version;
  request.ca_file = target.extras->ca_file;
  request.cert_file = target.extras->cert_file;
  request.key_file = target.extras->key_file;
  request.insecure_skip_verify = target.insecure_skip_verify;
  request.server_name = target.extras->server_name;
  request.proxy = target.extras->proxy;
  request.no_proxy = target.extras->no_proxy;
  request.body_limit = target.body_limit;
  request.max_body_size = target.extras->max_body_size;
  request.tls_min_version = target.extras->tls_min_version;
  request.tls_max_version = target.extras->tls_max_version;
  request.http2 = target.extras->http2;
  request.accept_encoding = target.extras->expect.compression;
  request.keep_body = target.extras->expect.needs_body();
  request.keep_headers = target.extras->expect.needs_headers();
  return request;
}

caf::actor spawn_target_actor(caf::local_actor& parent, SharedTarget target,
                              std::shared_ptr<const ProbeContext> context,
                              caf::actor_clock::time_point first_probe) {
  return parent.spawn<caf::linked>(target_actor, std::move(target), std::move(context),
                                   first_probe);
}

}  // namespace epsitter
