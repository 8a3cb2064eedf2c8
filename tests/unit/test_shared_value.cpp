// Unit tests for SharedValue: copies share one value until one of them is written to.
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "config/shared_value.hpp"

using namespace epsitter;

namespace {

struct Settings {
  std::string proxy;
  int retries = 0;

  friend bool operator==(const Settings& a, const Settings& b) {
    return a.proxy == b.proxy && a.retries == b.retries;
  }
};

}  // namespace

TEST_CASE("default-constructed values share one default") {
  const SharedValue<Settings> a;
  const SharedValue<Settings> b;
  CHECK(&*a == &*b);
  CHECK(a->proxy.empty());
  CHECK(a == b);
}

TEST_CASE("writing to one copy leaves the others and the default as they were") {
  SharedValue<Settings> original;
  original.write().proxy = "http://proxy:3128";
  const SharedValue<Settings> copy = original;
  CHECK(&*copy == &*original);  // a copy is a pointer

  SharedValue<Settings> changed = copy;
  changed.write().retries = 3;
  CHECK(&*changed != &*original);
  CHECK(original->retries == 0);
  CHECK(copy->retries == 0);
  CHECK(changed->proxy == "http://proxy:3128");  // the write started from the shared value
  CHECK(changed->retries == 3);
  CHECK(changed != original);
  CHECK(SharedValue<Settings> {} -> proxy.empty());  // the shared default never changes
}

TEST_CASE("the only holder of a value writes it in place") {
  SharedValue<Settings> value;
  Settings& written = value.write();  // the default is shared: this copies it
  written.retries = 1;
  CHECK(&value.write() == &written);  // now the only holder: no further copy
  CHECK(value->retries == 1);
}

TEST_CASE("values written apart compare by what they hold") {
  SharedValue<Settings> a;
  SharedValue<Settings> b;
  a.write().proxy = "p";
  b.write().proxy = "p";
  CHECK(&*a != &*b);
  CHECK(a == b);
  b.write().retries = 2;
  CHECK_FALSE(a == b);
}

TEST_CASE("copies read on other threads while the original is written") {
  SharedValue<Settings> original;
  original.write().proxy = "before";
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([copy = original] {
      for (int round = 0; round < 1000; ++round) REQUIRE(copy->proxy == "before");
    });
  }
  for (int round = 0; round < 1000; ++round) original.write().retries = round;
  for (std::thread& reader : readers) reader.join();
  CHECK(original->proxy == "before");
  CHECK(original->retries == 999);
}
