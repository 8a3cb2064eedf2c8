// A sparse exponential ("native") histogram of one target's probe durations (see
// native_histogram.hpp).
#include "metrics/native_histogram.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace epsitter {

namespace {

// client_golang's nativeHistogramBounds[3]: 2^(i/8 - 1), the lower bounds of schema 3's buckets
// within one power of two, as the exact doubles Go uses, so that a value on a boundary lands in
// the same bucket here and there. Lower schemas use every second, fourth or eighth of them.
constexpr std::array<double, 8> kSchema3Bounds{
    0.5,
    0.5452538663326288,
    0.5946035575013605,
    0.6484197773255048,
    0.7071067811865475,
    0.7711054127039704,
    0.8408964152537144,
    0.9170040432046711,
};

// ceil(index / 2), without relying on how >> treats negative numbers.
std::int32_t ceil_half(std::int32_t index) {
  return index >= 0 ? (index + 1) / 2 : -((-index) / 2);
}

}  // namespace

std::int32_t NativeHistogram::bucket_index(double value, int schema) {
  if (std::isinf(value)) value = 1.7976931348623157e308;  // the last bucket rather than none
  int exponent = 0;
  const double fraction = std::frexp(value, &exponent);  // value = fraction * 2^exponent
  if (schema > 0) {
    const std::size_t stride = std::size_t{1} << (kInitialSchema - schema);
    const std::size_t per_octave = kSchema3Bounds.size() / stride;
    // The first bound not below the fraction, as Go's sort.SearchFloat64s finds it.
    std::size_t i = 0;
    while (i < per_octave && kSchema3Bounds[i * stride] < fraction) ++i;
    return static_cast<std::int32_t>(i) + (exponent - 1) * static_cast<std::int32_t>(per_octave);
  }
  // Schemas <= 0: whole powers of two merged 2^-schema at a time.
  std::int32_t key = exponent;
  if (fraction == 0.5) --key;  // a power of two is the upper bound of its bucket
  const std::int32_t offset = (1 << -schema) - 1;
  const std::int32_t sum = key + offset;
  const std::int32_t divisor = 1 << -schema;
  return sum >= 0 ? sum / divisor : -((-sum + divisor - 1) / divisor);  // floor division
}

void NativeHistogram::observe(double value) {
  ++count_;
  sum_ += value;
  if (!(value > kZeroThreshold)) {  // NaN too: it belongs in no finite bucket
    ++zero_count_;
    return;
  }
  const std::int32_t index = bucket_index(value, schema_);
  const auto at =
      std::lower_bound(buckets_.begin(), buckets_.end(), index,
                       [](const auto& bucket, std::int32_t i) { return bucket.first < i; });
  if (at != buckets_.end() && at->first == index) {
    ++at->second;
    return;
  }
  buckets_.insert(at, {index, 1});
  while (buckets_.size() > kMaxBuckets && schema_ > kMinSchema) halve_resolution();
}

// Merges each pair of neighbouring buckets into one of the schema below: bucket i of schema s
// becomes ceil(i/2) of schema s-1, as client_golang's doubleBucketWidth does.
void NativeHistogram::halve_resolution() {
  std::vector<std::pair<std::int32_t, std::uint64_t>> merged;
  merged.reserve(buckets_.size() / 2 + 1);
  for (const auto& [index, count] : buckets_) {
    const std::int32_t wider = ceil_half(index);
    if (!merged.empty() && merged.back().first == wider) {
      merged.back().second += count;
    } else {
      merged.emplace_back(wider, count);
    }
  }
  buckets_ = std::move(merged);
  --schema_;
}

std::vector<NativeHistogram::Span> NativeHistogram::spans() const {
  std::vector<Span> out;
  std::int32_t next = 0;  // the index after the last span's end
  for (const auto& bucket : buckets_) {
    const std::int32_t index = bucket.first;
    if (!out.empty() && index == next) {
      ++out.back().length;
    } else {
      out.push_back(Span{out.empty() ? index : index - next, 1});
    }
    next = index + 1;
  }
  return out;
}

std::vector<std::int64_t> NativeHistogram::deltas() const {
  std::vector<std::int64_t> out;
  out.reserve(buckets_.size());
  std::int64_t previous = 0;
  for (const auto& bucket : buckets_) {
    const auto count = static_cast<std::int64_t>(bucket.second);
    out.push_back(count - previous);
    previous = count;
  }
  return out;
}

std::size_t NativeHistogram::bytes() const {
  return sizeof(*this) + buckets_.capacity() * sizeof(buckets_.front());
}

}  // namespace epsitter
