// Samples for the exposition's tests: targets with probes recorded, and a body read back as
// Prometheus reads it (gzip included).
#pragma once

#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition.hpp"
#include "metrics/target_stats.hpp"

namespace epsitter::testing {

// `count` targets, each with one probe: every 7th answered 503 (a failed probe), the others 200.
inline StatsByTarget probed_targets(std::size_t count, const std::vector<double>& bounds) {
  StatsByTarget stats;
  for (std::size_t i = 0; i < count; ++i) {
    TargetStats& seen =
        stats[TargetLabels{"t" + std::to_string(i), "prod", "GET", "http://127.0.0.1:1/x"}];
    ProbeResult probe;
    probe.status_code = i % 7 == 0 ? 503 : 200;
    probe.duration_seconds = 0.001 * static_cast<double>(i % 100);
    seen.record(probe, probe.status_code == 200 ? Verdict{} : Verdict{FailureReason::status, ""},
                bounds);
  }
  return stats;
}

// Inflates one gzip member, as HTTP clients (and Prometheus) do; checks the trailer's CRC and size.
inline std::string gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int result = Z_OK;
  while (result == Z_OK) {
    std::vector<char> buffer(65536);
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - stream.avail_out);
  }
  const uInt left_over = stream.avail_in;
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);  // Z_DATA_ERROR on a wrong CRC-32 or length
  CHECK(left_over == 0);
  return out;
}

// The body's bytes as a client receives them, checked against the size it announced.
inline std::string received(const Exposition::Body& body) {
  std::string bytes;
  CHECK(body.write([&bytes](std::string_view piece) {
    bytes += piece;
    return true;
  }));
  CHECK(bytes.size() == body.size());
  return bytes;
}

}  // namespace epsitter::testing
