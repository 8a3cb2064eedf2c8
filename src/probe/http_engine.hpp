// The HTTP engine: one thread that owns a libcurl multi handle and runs any number of probes at
// once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "probe/probe_request.hpp"
#include "probe/probe_result.hpp"

namespace spdlog {
class logger;
}

namespace epsitter {

// Requests go in through submit() from any thread; each one's result comes back through its
// completion, called on the engine's thread. A slow or hanging transfer only holds its own socket:
// the engine never waits on one transfer, so it cannot delay another.
class HttpEngine {
 public:
  using Clock = std::chrono::steady_clock;
  // Called on the engine thread; must return quickly (e.g. send a message and return).
  using Completion = std::function<void(ProbeResult)>;

  // What the engine keeps of a target between its probes (see submit_at()).
  struct Slot {
    // Called on the engine thread when the slot is due; must return quickly. The request to send
    // now, or null when the owner sends it later through submit() (an OAuth 2.0 target asks for
    // its token first).
    std::function<std::shared_ptr<const ProbeRequest>()> on_due;
    Completion on_done;  // the result of the request on_due returned
  };

  // Probes due within this much of each other start on one wake-up of the engine's thread.
  static constexpr std::chrono::milliseconds kScheduleGranule{2};

  // At most `max_transfers` transfers are open at once (each holds a socket and ~20 KiB); further
  // requests wait their turn, so an overloaded or mostly hanging target set costs bounded memory
  // and descriptors.
  HttpEngine(spdlog::logger& log, std::size_t max_transfers);
  ~HttpEngine();  // stops, aborting whatever is in flight
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  // Thread-safe. After stop() the request is dropped and its completion never called.
  // The engine holds the request until the transfer ends: every redirect hop is set up from it
  // anew (which credentials, headers and body go to that hop). The caller need keep no copy.
  void submit(std::shared_ptr<const ProbeRequest> request, Completion on_done);

  // Thread-safe. At `due` (or up to kScheduleGranule later) the engine's thread asks the slot for
  // its request and starts it. The slot is held weakly: its owner cancels by letting go of it,
  // and a slot freed before it is due is dropped unasked. This is how target actors keep their
  // schedules: between probes a target costs no thread a wake-up (no timer message, no actor
  // run), and a call wakes the engine only when `due` is earlier than it already planned to wake.
  void submit_at(Clock::time_point due, std::weak_ptr<const Slot> slot);

  // Aborts transfers in flight (their completions are not called) and joins the thread. Idempotent.
  void stop();

  // Requests submitted and not yet completed (a slot's counts from when it is due).
  std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epsitter
