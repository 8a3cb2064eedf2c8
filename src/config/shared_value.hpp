// A value held through a pointer that its copies share until one of them is written to.
#pragma once

#include <memory>

namespace epsitter {

// For parts of a big object that are copied far more often than written, and are mostly left at
// their default: a copy costs one pointer, and every default-constructed SharedValue of a type
// shares one default T (10,000 targets that set no credentials, TLS files, proxy or expectations
// keep one copy of those fields instead of ~600 bytes each).
template <typename T>
class SharedValue {
 public:
  SharedValue() : value_(default_value()) {}

  const T& operator*() const { return *value_; }
  const T* operator->() const { return value_.get(); }

  // For changing the value: copies it first unless this is its only holder, so that no other
  // holder (the shared default, or a copy another thread reads) ever sees it change.
  T& write() {
    if (value_.use_count() != 1) value_ = std::make_shared<T>(*value_);
    return *value_;
  }

  friend bool operator==(const SharedValue& a, const SharedValue& b) {
    return a.value_ == b.value_ || *a.value_ == *b.value_;
  }
  friend bool operator!=(const SharedValue& a, const SharedValue& b) { return !(a == b); }

 private:
  // Never written: write() copies it, since this static always holds a second reference.
  static const std::shared_ptr<T>& default_value() {
    static const std::shared_ptr<T> value = std::make_shared<T>();
    return value;
  }

  std::shared_ptr<T> value_;
};

}  // namespace epsitter
