// Whether an HTTP client accepts gzip: Accept-Encoding negotiation.
#include "web/gzip.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "text/ascii.hpp"

namespace epsitter {

namespace {

// The q value of one "coding;q=0.5" element; 1 when absent, 0 when unreadable (be conservative).
double quality(std::string_view parameters) {
  while (!parameters.empty()) {
    const std::size_t semicolon = parameters.find(';');
    const std::string_view parameter = text::trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
        parameter[1] == '=') {
      const std::string value{text::trim(parameter.substr(2))};
      char* end = nullptr;
      const double q = std::strtod(value.c_str(), &end);
      return end != value.c_str() && *end == '\0' ? q : 0;
    }
  }
  return 1;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    const std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = element.find(';');
    const std::string_view coding = text::trim(element.substr(0, semicolon));
    const std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    if ((text::equals_ignoring_case(coding, "gzip") || coding == "*") && quality(parameters) > 0)
      return true;
  }
  return false;
}

}  // namespace epsitter
