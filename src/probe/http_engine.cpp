// The HTTP engine: one thread that owns a libcurl multi handle and runs any number of probes at
// once.
#include "probe/http_engine.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "log/logfmt.hpp"
#include "os/thread_tuning.hpp"
#include "probe/alarm_queue.hpp"
#include "probe/curl_handles.hpp"
#include "probe/multi_driver.hpp"
#include "probe/transfer.hpp"
#include "probe/young_transfers.hpp"

namespace epsitter {

namespace {

// The loop re-checks for stop() at least this often even when nothing wakes it.
constexpr std::chrono::milliseconds kIdleWait{1000};
// Transfers starting up at once (see YoungTransfers): enough for 10,000 loopback probes a second
// with room to spare, few enough that connecting and answering stay cheap.
constexpr std::size_t kYoungLimit = 512;
constexpr std::chrono::milliseconds kYoungFor{100};

}  // namespace

struct HttpEngine::Impl {
  struct Pending {
    std::shared_ptr<const ProbeRequest> request;
    Completion on_done;
  };
  struct Scheduled {
    Clock::time_point due;
    std::weak_ptr<const Slot> slot;
  };

  spdlog::logger& log;
  const std::size_t max_transfers;  // transfers open at once; the rest wait in `waiting`
  CurlMulti multi;
  MultiDriver driver;  // after `multi`: destroyed before it
  std::thread thread;

  mutable std::mutex mutex;  // guards `pending`, `scheduled`, `sleeping_until` and `stopped`
  std::deque<Pending> pending;
  std::vector<Scheduled> scheduled;
  // When the engine's thread, asleep, wakes up next; the minimum while it is awake (it takes what
  // was submitted before it sleeps again).
  Clock::time_point sleeping_until = Clock::time_point::min();
  bool stopped = false;
  std::atomic<std::size_t> in_flight{0};

  // Engine thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
  // Submitted but not started because `max_transfers` are open or kYoungLimit are starting up;
  // started first come, first served. A transfer's timeout runs from its start, so waiting here
  // never eats into it.
  std::deque<Pending> waiting;
  // Slots waiting for their due time.
  AlarmQueue<std::weak_ptr<const Slot>, Clock> schedule{kScheduleGranule};
  YoungTransfers young{kYoungLimit, kYoungFor};
  std::uint64_t next_serial = 0;

  Impl(spdlog::logger& logger, std::size_t max_open)
      : log(logger),
        max_transfers(std::max<std::size_t>(1, max_open)),
        multi(checked(curl_multi_init())),
        driver(multi.get()) {}

  static CURLM* checked(CURLM* handle) {
    if (handle == nullptr) throw std::runtime_error("curl_multi_init failed");
    return handle;
  }

  void start(Pending item) {
    auto transfer = std::make_unique<Transfer>();
    transfer->on_done = std::move(item.on_done);
    transfer->started = std::chrono::steady_clock::now();
    transfer->serial = next_serial++;
    // A fresh handle per probe, never pooled: nothing of an earlier probe (its cookies above all)
    // can carry over.
    transfer->easy.reset(curl_easy_init());
    if (!transfer->easy) {
      finish_without_transfer(*transfer, "curl_easy_init failed");
      return;
    }
    CURL* easy = transfer->easy.get();
    transfer->request = item.request;
    transfer->body_limit = item.request->body_limit;
    transfer->max_body_size = item.request->max_body_size;
    transfer->keep_body = item.request->keep_body;
    transfer->keep_headers = item.request->keep_headers;
    if (!configure(easy, *item.request, *transfer)) {
      finish_without_transfer(*transfer, "libcurl refused an option of this request");
      return;
    }
    if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) {
      finish_without_transfer(*transfer, "curl_multi_add_handle failed");
      return;
    }
    young.started(transfer->serial, transfer->started);
    transfers.emplace(easy, std::move(transfer));
  }

  void finish_without_transfer(Transfer& transfer, const char* why) {
    log.warn("msg=\"probe not sent\" reason={}", logged(why));
    --in_flight;
    ProbeResult result = failed_before_sending(why);
    result.started = transfer.started;
    transfer.on_done(std::move(result));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      auto found = transfers.find(easy);
      if (found == transfers.end()) continue;
      curl_multi_remove_handle(multi.get(), easy);
      std::optional<CURLcode> outcome = prepare_next_hop(easy, code, *found->second);
      if (!outcome && curl_multi_add_handle(multi.get(), easy) != CURLM_OK) {
        outcome = CURLE_FAILED_INIT;
      }
      if (!outcome) continue;  // the same transfer, on to its next URL
      std::unique_ptr<Transfer> transfer = std::move(found->second);
      transfers.erase(found);
      young.finished(transfer->serial);
      ProbeResult result = read_result(easy, *outcome, *transfer);
      --in_flight;
      transfer->on_done(std::move(result));
    }
  }

  // Takes what submit() and submit_at() left; the thread counts as awake until it next sleeps.
  bool take_submitted() {
    std::deque<Pending> incoming;
    std::vector<Scheduled> slots;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopped) return false;
      sleeping_until = Clock::time_point::min();
      incoming = std::exchange(pending, {});
      slots = std::exchange(scheduled, {});
    }
    std::move(incoming.begin(), incoming.end(), std::back_inserter(waiting));
    for (Scheduled& item : slots) schedule.add(item.due, std::move(item.slot));
    return true;
  }

  // The slots due by `now` join the waiting requests; those whose owners let go are dropped.
  void take_due_slots(Clock::time_point now) {
    for (const std::weak_ptr<const Slot>& held : schedule.take_due(now)) {
      const std::shared_ptr<const Slot> slot = held.lock();
      if (!slot) continue;
      std::shared_ptr<const ProbeRequest> request = slot->on_due();
      if (!request) continue;
      ++in_flight;
      // The slot's completion is called through the slot, not copied: a copy would touch the
      // owner's references (an actor handle's count) from this thread for every probe.
      waiting.push_back(
          {std::move(request), [slot](ProbeResult result) { slot->on_done(std::move(result)); }});
    }
  }

  // Publishes when the thread will wake up, unless something was submitted since
  // take_submitted(): then it must not sleep at all.
  std::chrono::milliseconds announce_sleep(std::chrono::milliseconds budget) {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopped || !pending.empty() || !scheduled.empty()) return std::chrono::milliseconds(0);
    sleeping_until = Clock::now() + budget;
    return budget;
  }

  void run() {
    name_this_thread("probe-engine");
    while (take_submitted()) {
      const auto now = Clock::now();
      take_due_slots(now);
      young.age(now);
      while (!waiting.empty() && transfers.size() < max_transfers && young.has_room()) {
        start(std::move(waiting.front()));
        waiting.pop_front();
      }
      // Sleeps until a socket is ready, libcurl's next timeout, a wakeup from submit()/stop()/
      // submit_at(), a slot's due time or a waiting probe's turn; a handle added above asks for
      // an immediate timeout, so it starts without delay.
      driver.wait_and_drive(announce_sleep(wait_budget()));
      collect_finished();
    }
    abort_all();
  }

  // How long the loop may sleep: until the next slot is due, and when probes wait only because
  // kYoungLimit are starting up, until the oldest of those stops counting.
  std::chrono::milliseconds wait_budget() const {
    std::optional<Clock::time_point> next = schedule.next_wakeup();
    if (!waiting.empty() && !young.has_room() && transfers.size() < max_transfers) {
      const auto aging = young.next_aging();
      if (aging && (!next || *aging < *next)) next = aging;
    }
    if (!next) return kIdleWait;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), kIdleWait);
  }

  void abort_all() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      in_flight -= pending.size();
      pending.clear();
      scheduled.clear();
    }
    in_flight -= waiting.size();
    waiting.clear();
    schedule = AlarmQueue<std::weak_ptr<const Slot>, Clock>{kScheduleGranule};
    for (auto& [easy, transfer] : transfers) curl_multi_remove_handle(multi.get(), easy);
    in_flight -= transfers.size();
    transfers.clear();
    young.clear();
  }
};

HttpEngine::HttpEngine(spdlog::logger& log, std::size_t max_transfers) {
  // Reference-counted and thread-safe in this libcurl build; paired with the cleanup below.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_ = std::make_unique<Impl>(log, max_transfers);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

HttpEngine::~HttpEngine() {
  stop();
  impl_.reset();
  curl_global_cleanup();
}

void HttpEngine::submit(std::shared_ptr<const ProbeRequest> request, Completion on_done) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->pending.push_back({std::move(request), std::move(on_done)});
    ++impl_->in_flight;
  }
  impl_->driver.wake();
}

void HttpEngine::submit_at(Clock::time_point due, std::weak_ptr<const Slot> slot) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->scheduled.push_back({due, std::move(slot)});
    wake = due < impl_->sleeping_until;
  }
  if (wake) impl_->driver.wake();
}

void HttpEngine::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopped = true;
  }
  impl_->driver.wake();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::size_t HttpEngine::in_flight() const {
  return impl_->in_flight.load();
}

}  // namespace epsitter
