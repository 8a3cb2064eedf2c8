// A deadline for sending a whole response, so that a client that reads slowly cannot keep a worker.
#include "web/response_deadline.hpp"

#include <algorithm>
#include <utility>

namespace epsitter {

std::chrono::milliseconds response_allowance(std::uint64_t length, std::chrono::milliseconds base) {
  const std::uint64_t transfer_ms = length / (kMinimumReadRate / 1000);
  return base + std::chrono::milliseconds(transfer_ms);
}

DeadlineWriter::DeadlineWriter(Write write, SteadyTime deadline, Clock now)
    : write_(std::move(write)), deadline_(deadline), now_(std::move(now)) {}

bool DeadlineWriter::operator()(std::string_view piece) {
  while (outcome_ == Outcome::writing && !piece.empty()) {
    if (now_() > deadline_) {
      outcome_ = Outcome::deadline_passed;
      break;
    }
    const std::size_t size = std::min(piece.size(), kSlice);
    if (!write_(piece.substr(0, size))) {
      outcome_ = Outcome::client_gone;
      break;
    }
    piece.remove_prefix(size);
  }
  return outcome_ == Outcome::writing;
}

}  // namespace epsitter
