// A deadline for sending a whole response, so that a client that reads slowly cannot keep a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace epsitter {

using SteadyTime = std::chrono::steady_clock::time_point;

// The slowest reader that still gets a whole body: 1 MiB/s (8 Mbit/s). A 40 MB scrape gets
// `base` + 38 s; on loopback Prometheus reads it in well under a second.
inline constexpr std::uint64_t kMinimumReadRate = 1 << 20;  // bytes per second

// How long a response of `length` body bytes may take: `base` (WEB_RESPONSE_TIMEOUT) plus one
// second per MiB. CivetWeb's request_timeout_ms bounds each socket call only, so a reader that
// takes 4 KiB a second, steadily, held a worker for the 20 minutes a 5 MB page took.
std::chrono::milliseconds response_allowance(std::uint64_t length, std::chrono::milliseconds base);

// Writes a body in slices, checking the deadline before each: one write call of a whole 5 MB piece
// would return only when the slow reader had taken all of it. A slice of 16 KiB is one TLS record
// and lets a reader at 4 KiB/s overrun the deadline by about 4 s.
class DeadlineWriter {
 public:
  // Writes all of `slice`; false when the client has gone.
  using Write = std::function<bool(std::string_view slice)>;
  using Clock = std::function<SteadyTime()>;

  enum class Outcome { writing, client_gone, deadline_passed };

  static constexpr std::size_t kSlice = 16 * 1024;

  DeadlineWriter(Write write, SteadyTime deadline, Clock now);

  // Writes `piece`; false (and nothing more is written, ever) once the client has gone or the
  // deadline has passed. Usable as a StreamedBody::Sink.
  bool operator()(std::string_view piece);

  Outcome outcome() const { return outcome_; }

 private:
  Write write_;
  SteadyTime deadline_;
  Clock now_;
  Outcome outcome_ = Outcome::writing;
};

}  // namespace epsitter
