// An environment of exactly the variables a test names, for code that reads ${VAR}s or settings.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "config/settings.hpp"

namespace epsitter::testing {

// The lookup owns a copy of the variables, so the pointers it hands out stay valid while it lives.
inline EnvLookup fake_env(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

}  // namespace epsitter::testing
