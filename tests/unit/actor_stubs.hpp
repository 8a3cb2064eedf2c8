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

namespace epsitter::testing {

// Two workers as on the target machines; the engine, the clock and helper threads come on top.
struct SmallSystemConfig : caf::actor_system_config {
  SmallSystemConfig() { set("scheduler.max-threads", std::size_t{2}); }
};

// One ProbeDone as the stub metrics actor received it.
struct Outcome {
  std::string target;
  int status_code = 0;
  ProbeError error = ProbeError::none;
  std::optional<FailureReason> failure;
};

// What the stub metrics actor received, in arrival order; read from the test's thread.
class Outcomes {
 public:
  void add(const ProbeDone& done) {
    const std::lock_guard<std::mutex> lock(mutex_);
    all_.push_back({done.target->labels.name, done.result.status_code, done.result.error,
                    done.verdict.failure});
  }
  void add(const LabelSet& set) {
    std::vector<std::string> names;
    for (const auto& target : set.targets) names.push_back(target->labels.name);
    const std::lock_guard<std::mutex> lock(mutex_);
    label_sets_.push_back(std::move(names));
  }
  std::vector<Outcome> of(const std::string& target) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Outcome> found;
    for (const auto& outcome : all_) {
      if (outcome.target == target) found.push_back(outcome);
    }
    return found;
  }
  std::size_t count(const std::string& target) const { return of(target).size(); }
  // The target names of every LabelSet (targets_atom) received, in arrival order.
  std::vector<std::vector<std::string>> label_sets() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return label_sets_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Outcome> all_;
  std::vector<std::vector<std::string>> label_sets_;
};

// Stands in for the metrics actor: records every ProbeDone and every new target set.
inline caf::behavior metrics_stub(caf::event_based_actor* /*self*/,
                                  std::shared_ptr<Outcomes> outcomes) {
  return {
      [outcomes](const ProbeDone& done) { outcomes->add(done); },
      [outcomes](targets_atom, const LabelSet& set) { outcomes->add(set); },
  };
}

}  // namespace epsitter::testing
