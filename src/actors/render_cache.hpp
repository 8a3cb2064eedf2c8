// A rendering the metrics actor keeps for the HTTP port (the text or protobuf exposition, the
// status snapshot): shared by every request while nothing changed, and for a short while after a
// change, so that clients asking as fast as they can make it render at most a bounded share of
// the time. Without that window anyone who reaches the port could keep one core busy: at 10,000
// targets results arrive every few ms, so every request would find the rendering stale and redo
// its 25-40 ms of work.
#pragma once

#include <chrono>
#include <memory>

namespace epsitter {

// How many times its own rendering time a stale rendering is still served. At 9, rendering takes
// at most a tenth of the metrics thread however often clients ask; at 10,000 targets a rendering
// is then at most ~0.4 s behind, where Prometheus scrapes every 15-60 s. 0 serves every change at
// once (the unit tests of the actor use it).
inline constexpr double kDefaultRenderReuseFactor = 9.0;

template <class T>
class RenderCache {
 public:
  using Clock = std::chrono::steady_clock;

  RenderCache() = default;
  explicit RenderCache(double reuse_factor) : reuse_factor_(reuse_factor) {}

  // What to serve at `now`, or nullptr when a new rendering is due.
  std::shared_ptr<const T> reusable(Clock::time_point now) const {
    if (value_ && (!stale_ || now - rendered_at_ < reuse_window_)) return value_;
    return nullptr;
  }

  // A new rendering, which took from `started` to `finished`.
  void store(std::shared_ptr<const T> value, Clock::time_point started,
             Clock::time_point finished) {
    value_ = std::move(value);
    stale_ = false;
    rendered_at_ = finished;
    reuse_window_ = std::chrono::duration_cast<Clock::duration>((finished - started) * reuse_factor_);
  }

  // A result changed what the rendering shows. One past its window is let go at once rather than
  // at the next request: it may be tens of MB.
  void changed(Clock::time_point now) {
    stale_ = true;
    if (value_ && now - rendered_at_ >= reuse_window_) value_.reset();
  }

  // The set of targets or what is rendered of them changed: never served again. Reloads are rare
  // and an admin's doing, and a removed target should leave the next scrape.
  void discard() { value_.reset(); }

 private:
  double reuse_factor_ = kDefaultRenderReuseFactor;
  std::shared_ptr<const T> value_;
  bool stale_ = false;
  Clock::time_point rendered_at_{};
  Clock::duration reuse_window_{};
};

}  // namespace epsitter
