// Unit tests for the sparse exponential histogram: bucket boundaries, spans and deltas, the
// resolution halving that bounds it.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "metrics/native_histogram.hpp"

using namespace epsitter;

namespace {

// The populated bucket indices, read back from the spans.
std::vector<std::int32_t> indices_of(const NativeHistogram& histogram) {
  std::vector<std::int32_t> out;
  std::int32_t next = 0;
  for (const auto& span : histogram.spans()) {
    std::int32_t index = next + span.offset;
    for (std::uint32_t i = 0; i < span.length; ++i) out.push_back(index++);
    next = index;
  }
  return out;
}

// The bucket counts, read back from the deltas.
std::vector<std::int64_t> counts_of(const NativeHistogram& histogram) {
  std::vector<std::int64_t> out;
  std::int64_t count = 0;
  for (std::int64_t delta : histogram.deltas()) out.push_back(count += delta);
  return out;
}

}  // namespace

TEST_CASE(
    "a value exactly on a bucket boundary counts in the lower bucket (upper bounds inclusive)") {
  // Schema 3: bucket i holds (2^((i-1)/8), 2^(i/8)].
  CHECK(NativeHistogram::bucket_index(1.0, 3) == 0);
  CHECK(NativeHistogram::bucket_index(std::nextafter(1.0, 2.0), 3) == 1);
  CHECK(NativeHistogram::bucket_index(std::nextafter(1.0, 0.0), 3) == 0);
  CHECK(NativeHistogram::bucket_index(2.0, 3) == 8);
  CHECK(NativeHistogram::bucket_index(0.5, 3) == -8);
  CHECK(NativeHistogram::bucket_index(0.25, 3) == -16);
  // client_golang's own boundary constant 2^(1/8)/2, doubled: the upper bound of bucket 1.
  CHECK(NativeHistogram::bucket_index(2 * 0.5452538663326288, 3) == 1);
  CHECK(NativeHistogram::bucket_index(std::nextafter(2 * 0.5452538663326288, 2.0), 3) == 2);
  // 100 ms and 1.5 s, as Prometheus' own bucket arithmetic places them.
  CHECK(NativeHistogram::bucket_index(0.1, 3) == -26);
  CHECK(NativeHistogram::bucket_index(1.5, 3) == 5);
}

TEST_CASE("lower schemas merge powers of two, still with inclusive upper bounds") {
  CHECK(NativeHistogram::bucket_index(1.0, 0) == 0);
  CHECK(NativeHistogram::bucket_index(1.5, 0) == 1);
  CHECK(NativeHistogram::bucket_index(2.0, 0) == 1);
  CHECK(NativeHistogram::bucket_index(0.5, 0) == -1);
  CHECK(NativeHistogram::bucket_index(4.0, -1) == 1);
  CHECK(NativeHistogram::bucket_index(5.0, -1) == 2);
  CHECK(NativeHistogram::bucket_index(0.5, -1) == 0);
  CHECK(NativeHistogram::bucket_index(0.2, -1) == -1);
  CHECK(NativeHistogram::bucket_index(1.2, 1) == 1);
  CHECK(NativeHistogram::bucket_index(std::sqrt(2.0) * 1.0000001, 1) == 2);
}

TEST_CASE("zero and values below the zero threshold go to the zero bucket") {
  NativeHistogram histogram;
  histogram.observe(0);
  histogram.observe(1e-40);
  histogram.observe(0.5);
  CHECK(histogram.zero_count() == 2);
  CHECK(histogram.count() == 3);
  CHECK(histogram.sum() == Approx(0.5));
  CHECK(histogram.populated_buckets() == 1);
  CHECK(histogram.zero_threshold() == std::ldexp(1.0, -128));
  CHECK(histogram.schema() == 3);
}

TEST_CASE("spans cover runs of populated buckets and deltas encode counts against the previous") {
  NativeHistogram histogram;
  for (double value : {1.0, 1.0, 1.05, 2.0, 0.5}) histogram.observe(value);
  // Buckets -8 (0.5), 0 (1.0 twice), 1 (1.05), 8 (2.0).
  const auto spans = histogram.spans();
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].offset == -8);
  CHECK(spans[0].length == 1);
  CHECK(spans[1].offset == 7);  // the gap after bucket -8: -7 .. -1
  CHECK(spans[1].length == 2);
  CHECK(spans[2].offset == 6);
  CHECK(spans[2].length == 1);
  CHECK(histogram.deltas() == std::vector<std::int64_t>{1, 1, -1, 0});
  CHECK(indices_of(histogram) == std::vector<std::int32_t>{-8, 0, 1, 8});
  CHECK(counts_of(histogram) == std::vector<std::int64_t>{1, 2, 1, 1});
}

TEST_CASE("an empty histogram has no spans") {
  const NativeHistogram histogram;
  CHECK(histogram.spans().empty());
  CHECK(histogram.deltas().empty());
  CHECK(histogram.count() == 0);
}

TEST_CASE("beyond 160 populated buckets the resolution halves, merging pairs of buckets") {
  NativeHistogram histogram;
  std::vector<double> values;
  // One value in the middle of each of 161 neighbouring schema-3 buckets, from 1 ms up.
  const std::int32_t first = NativeHistogram::bucket_index(0.001, 3);
  for (std::int32_t i = 0; i < 161; ++i) {
    values.push_back(std::exp2((first + i - 0.5) / 8.0));
  }
  for (std::size_t i = 0; i + 1 < values.size(); ++i) histogram.observe(values[i]);
  CHECK(histogram.schema() == 3);
  CHECK(histogram.populated_buckets() == 160);
  histogram.observe(values.back());
  CHECK(histogram.schema() == 2);
  CHECK(histogram.populated_buckets() <= NativeHistogram::kMaxBuckets);
  CHECK(histogram.count() == 161);
  // Every value now counts in its bucket at schema 2, as if it had been observed there.
  std::set<std::int32_t> expected;
  for (double value : values) expected.insert(NativeHistogram::bucket_index(value, 2));
  const auto indices = indices_of(histogram);
  CHECK(std::set<std::int32_t>(indices.begin(), indices.end()) == expected);
  std::int64_t total = 0;
  for (std::int64_t count : counts_of(histogram)) total += count;
  CHECK(total == 161);
  // A later value goes straight to its schema-2 bucket.
  const std::int64_t before = counts_of(histogram).front();
  histogram.observe(values.front());
  CHECK(histogram.populated_buckets() == expected.size());
  CHECK(counts_of(histogram).front() == before + 1);
}

TEST_CASE("a target's histogram stays small") {
  NativeHistogram histogram;
  for (int i = 0; i < 1000; ++i) histogram.observe(0.01 + 0.0001 * (i % 50));
  INFO("bytes: " << histogram.bytes());
  CHECK(histogram.bytes() < 512);
}
