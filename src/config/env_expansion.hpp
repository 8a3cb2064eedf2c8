// ${VAR} expansion in config values, so that secrets can come from the environment.
#pragma once

#include <stdexcept>
#include <string>

#include "config/settings.hpp"

namespace epsitter {

// A reference to an unset variable or a malformed ${...}; the message names the variable but never
// the value around it (it may be a password).
class EnvExpansionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Replaces every ${NAME} (NAME = [A-Za-z_][A-Za-z0-9_]*) with the variable's value, read through
// `env` (an empty lookup means no variable is set). `$${` is a literal `${`. A `$` that does not
// start `${` or `$${` stays as written, so existing values such as `pa$$word` keep their meaning.
// A set but empty variable expands to nothing. The result never grows past `max_bytes`: a value
// such as ${BIG}${BIG}${BIG}... is refused before it is built. Throws EnvExpansionError.
std::string expand_env(const std::string& text, const EnvLookup& env,
                       std::size_t max_bytes = std::string::npos);

}  // namespace epsitter
