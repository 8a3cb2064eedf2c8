// The HTTP engine: one thread that owns a libcurl multi handle and runs any number of probes at
// once.
#pragma once

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
  // Called on the engine thread; must return quickly (e.g. send a message and return).
  using Completion = std::function<void(ProbeResult)>;

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

  // Aborts transfers in flight (their completions are not called) and joins the thread. Idempotent.
  void stop();

  // Requests submitted and not yet completed.
  std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epsitter
