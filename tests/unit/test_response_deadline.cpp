// Unit tests for the response deadline: its length, and a writer that stops when it has passed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "web/response_deadline.hpp"

using namespace epsitter;
using namespace std::chrono_literals;

TEST_CASE("a response gets the base time plus a second per MiB", "[response_deadline]") {
  CHECK(response_allowance(0, 30s) == 30s);
  CHECK(response_allowance(1 << 20, 30s) == std::chrono::milliseconds(31'000));
  // A 40 MB plain scrape: 38 s more, far beyond Prometheus' usual scrape_timeout.
  CHECK(response_allowance(40'000'000, 30s) > 67s);
  CHECK(response_allowance(40'000'000, 30s) < 69s);
}

TEST_CASE("the writer hands over slices of 16 KiB while the deadline holds",
          "[response_deadline]") {
  SteadyTime now{};
  std::vector<std::size_t> slices;
  DeadlineWriter writer{[&](std::string_view slice) {
                          slices.push_back(slice.size());
                          now += 1s;  // a slow reader: a second per slice
                          return true;
                        },
                        SteadyTime{} + 10s, [&] { return now; }};
  const std::string piece(40 * 1024, 'x');
  CHECK(writer(piece));
  CHECK(slices == std::vector<std::size_t>{16384, 16384, 8192});
  CHECK(writer(""));
  CHECK(writer.outcome() == DeadlineWriter::Outcome::writing);
}

TEST_CASE("the writer stops at the deadline and writes nothing after", "[response_deadline]") {
  SteadyTime now{};
  std::size_t written = 0;
  DeadlineWriter writer{[&](std::string_view slice) {
                          written += slice.size();
                          now += 4s;
                          return true;
                        },
                        SteadyTime{} + 10s, [&] { return now; }};
  const std::string big(1 << 20, 'x');
  CHECK_FALSE(writer(big));
  CHECK(writer.outcome() == DeadlineWriter::Outcome::deadline_passed);
  CHECK(written == 3 * DeadlineWriter::kSlice);  // at 0, 4 and 8 s; at 12 s the deadline had passed
  CHECK_FALSE(writer("more"));
  CHECK(written == 3 * DeadlineWriter::kSlice);
}

TEST_CASE("a client that has gone stops the writer", "[response_deadline]") {
  int calls = 0;
  DeadlineWriter writer{[&](std::string_view) { return ++calls < 2; }, SteadyTime::max(),
                        [] { return SteadyTime{}; }};
  CHECK_FALSE(writer(std::string(100'000, 'x')));
  CHECK(calls == 2);
  CHECK(writer.outcome() == DeadlineWriter::Outcome::client_gone);
}
