// Unit tests for naming threads and lowering one thread's priority.
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "os/thread_tuning.hpp"

using namespace epsitter;

namespace {

int nice_of_this_thread() {
  return getpriority(PRIO_PROCESS, 0);
}

std::string name_of_this_thread() {
  std::array<char, 16> name{};
  REQUIRE(pthread_getname_np(pthread_self(), name.data(), name.size()) == 0);
  return name.data();
}

}  // namespace

TEST_CASE("a thread is named, cut to the 15 bytes Linux keeps", "[os]") {
  std::string short_name, long_name;
  std::thread([&] {
    name_this_thread("metrics");
    short_name = name_of_this_thread();
    name_this_thread("a-name-longer-than-fifteen-bytes");
    long_name = name_of_this_thread();
  }).join();
  CHECK(short_name == "metrics");
  CHECK(long_name == "a-name-longer-t");
}

TEST_CASE("lowering the priority changes only the calling thread and what it starts", "[os]") {
  const int main_before = nice_of_this_thread();
  int lowered = 0, inherited = 0;
  std::string error;
  std::thread([&] {
    error = lower_this_thread_priority(3);
    lowered = nice_of_this_thread();
    // A render helper started from the lowered thread runs at its priority too.
    std::thread([&] { inherited = nice_of_this_thread(); }).join();
  }).join();
  REQUIRE(error.empty());
  const int expected = std::min(main_before + 3, 19);  // 19 is the lowest priority there is
  CHECK(lowered == expected);
  CHECK(inherited == expected);
  CHECK(nice_of_this_thread() == main_before);
}
