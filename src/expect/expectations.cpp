// What a target's response must look like to count as a success: the expect_* options, compiled.
#include "expect/expectations.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace epsitter {

Pattern compile_pattern(const std::string& text) {
  RE2::Options options;
  options.set_log_errors(false);  // the config error reports it, once, with its position
  auto regex = std::make_shared<const RE2>(text, options);
  if (!regex->ok()) throw std::invalid_argument(regex->error());
  return Pattern{text, std::move(regex)};
}

}  // namespace epsitter
