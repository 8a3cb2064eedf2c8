// A YAML map as the form body the original Python tool sent for it (requests' `data=`): values
// printed as Python's str() prints what PyYAML typed, then urllib.parse.urlencode(doseq=True).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/yaml11_typing.hpp"

namespace epsitter::detail {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Python's str() of a scalar as PyYAML typed it: True, None, 3, 1.5, 1e-05, text as it is.
// Precondition: `value` is not an array or object.
std::string python_str(const Json& value);

// key=value pairs joined by '&', each side quote_plus()-encoded as Python 3 does: letters, digits
// and "_.-~" stay, a space becomes '+', every other byte is %XX (upper-case hex).
std::string form_urlencode(const FormFields& fields);

}  // namespace epsitter::detail
