// Fuzz target: arbitrary Accept headers, as any client of /metrics may send. The negotiation
// answers one of the two formats, never crashes, reads nothing past the header, and never picks
// protobuf for a header that does not name it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/ascii.hpp"
#include "web/exposition_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes, so that AddressSanitizer sees any read past the header.
  const std::string header(reinterpret_cast<const char*>(data), size);
  const epsitter::ExpositionFormat format = epsitter::negotiate_exposition_format(header);
  if (format != epsitter::ExpositionFormat::text &&
      format != epsitter::ExpositionFormat::protobuf) {
    std::abort();
  }
  const std::string lower = epsitter::text::to_lower_ascii(header);
  const bool names_protobuf = lower.find("application/vnd.google.protobuf") != std::string::npos &&
                              lower.find("io.prometheus.client.metricfamily") != std::string::npos;
  if (format == epsitter::ExpositionFormat::protobuf &&
      (!names_protobuf || size > epsitter::kMaxAcceptBytes)) {
    std::abort();
  }
  return 0;
}
