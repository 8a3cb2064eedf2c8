// Checking a password against a bcrypt hash, with the system's crypt (libxcrypt on Debian).
#pragma once

#include <string>

namespace epsitter {

// True when `password` hashes to `hash` ($2y$, $2b$ or $2a$). Slow on purpose: a cost of 10 takes
// about 50 ms of CPU, so callers bound how often it runs (see verification_budget.hpp). The result
// is compared in constant time. A password holding a NUL byte never matches (crypt stops at it).
bool bcrypt_matches(const std::string& password, const std::string& hash);

}  // namespace epsitter
