// A sparse exponential ("native") histogram of one target's probe durations, kept the way
// client_golang keeps one so that Prometheus' protobuf exposition can carry it as is.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace epsitter {

class NativeHistogram {
 public:
  // client_golang's default: NativeHistogramBucketFactor 1.1 picks schema 3 (factor 2^(1/8)).
  static constexpr int kInitialSchema = 3;
  static constexpr int kMinSchema = -4;  // the widest schema Prometheus accepts
  // client_golang's default zero threshold (DefNativeHistogramZeroThreshold): 2^-128.
  static constexpr double kZeroThreshold = 2.9387358770557188e-39;
  // Beyond this many populated buckets the resolution halves, as client_golang's
  // NativeHistogramMaxBucketNumber does; Prometheus suggests 160.
  static constexpr std::size_t kMaxBuckets = 160;

  // A run of `length` consecutive buckets, `offset` after the previous run's end (or at index
  // `offset` for the first): the protobuf's BucketSpan.
  struct Span {
    std::int32_t offset;
    std::uint32_t length;
  };

  // Values at or below the zero threshold (0 included) count in the zero bucket; durations are
  // never negative.
  void observe(double value);

  int schema() const { return schema_; }
  double zero_threshold() const { return kZeroThreshold; }
  std::uint64_t zero_count() const { return zero_count_; }
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  std::size_t populated_buckets() const { return buckets_.size(); }

  // The positive buckets as the protobuf wants them: runs of buckets (a gap of empty buckets
  // starts a new run) and each bucket's count as the difference to the previous one's.
  std::vector<Span> spans() const;
  std::vector<std::int64_t> deltas() const;

  // The bucket a value falls in at `schema` (upper bounds inclusive: bucket i holds
  // (2^((i-1)/2^schema), 2^(i/2^schema)]), computed as client_golang does, through frexp.
  static std::int32_t bucket_index(double value, int schema);

  // Bytes this histogram holds, itself included: what 10,000 targets pay for one each.
  std::size_t bytes() const;

 private:
  void halve_resolution();

  // (bucket index, count), sorted by index, populated buckets only: a probe's durations stay in
  // a narrow range, so a target has a few dozen at most.
  std::vector<std::pair<std::int32_t, std::uint64_t>> buckets_;
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::int8_t schema_ = kInitialSchema;
};

}  // namespace epsitter
