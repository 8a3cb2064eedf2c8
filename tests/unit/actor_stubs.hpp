// Stand-ins for the actor tests: a small actor system, and a metrics actor that only records what
// the target actors and the supervisor send it.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/result_inbox.hpp"

namespace epsitter::testing {

// Two workers as on the target machines; the engine, the clock and helper threads come on top.
struct SmallSystemConfig : caf::actor_system_config {
  SmallSystemConfig() { set("scheduler.max-threads", std::size_t{2}); }
};

// One ProbeDone as the target actors posted it.
struct Outcome {
  std::string target;
  int status_code = 0;
  ProbeError error = ProbeError::none;
  std::optional<FailureReason> failure;
};

// What the target actors posted to the inbox and the stub metrics actor received, in arrival
// order; read from the test's thread.
class Outcomes {
 public:
  // Where the target actors post their results (ProbeContext::results).
  ResultInbox& inbox() { return inbox_; }
  void add(const LabelSet& set) {
    std::vector<std::string> names;
    for (const auto& target : set.targets) names.push_back(target->labels.name);
    const std::lock_guard<std::mutex> lock(mutex_);
    label_sets_.push_back(std::move(names));
  }
  std::vector<Outcome> of(const std::string& target) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const ProbeDone& done : inbox_.take()) {
      all_.push_back({done.target->labels.name, done.result.status_code, done.result.error,
                      done.verdict.failure});
    }
    std::vector<Outcome> found;
    for (const auto& outcome : all_) {
      if (outcome.target == target) found.push_back(outcome);
    }
    return found;
  }
  std::size_t count(const std::string& target) { return of(target).size(); }
  // The target names of every LabelSet (targets_atom) received, in arrival order.
  std::vector<std::vector<std::string>> label_sets() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return label_sets_;
  }

 private:
  mutable std::mutex mutex_;
  ResultInbox inbox_;
  std::vector<Outcome> all_;
  std::vector<std::vector<std::string>> label_sets_;
};

// Stands in for the metrics actor: records every new target set. The results are read from the
// inbox by the test.
inline caf::behavior metrics_stub(caf::event_based_actor* /*self*/,
                                  std::shared_ptr<Outcomes> outcomes) {
  return {
      [](drain_atom) {},
      [outcomes](targets_atom, const LabelSet& set) { outcomes->add(set); },
  };
}

}  // namespace epsitter::testing
