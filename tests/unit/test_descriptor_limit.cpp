// Unit tests for raising the soft descriptor limit to the hard one.
#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "os/descriptor_limit.hpp"

using namespace epsitter;

TEST_CASE("the soft descriptor limit is raised to the hard limit", "[os]") {
  rlimit original{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &original) == 0);
  REQUIRE(original.rlim_max > 64);
  rlimit lowered = original;
  lowered.rlim_cur = 64;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);

  const DescriptorLimit limit = raise_descriptor_limit();

  rlimit now{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &now) == 0);
  CHECK(limit.error.empty());
  CHECK(limit.soft_before == 64);
  CHECK(limit.soft == original.rlim_max);
  CHECK(limit.hard == original.rlim_max);
  CHECK(now.rlim_cur == original.rlim_max);
  CHECK(now.rlim_max == original.rlim_max);  // the hard limit itself is left alone
}

TEST_CASE("a soft limit already at the hard limit is left as it is", "[os]") {
  const DescriptorLimit first = raise_descriptor_limit();
  const DescriptorLimit second = raise_descriptor_limit();
  CHECK(second.error.empty());
  CHECK(second.soft_before == second.hard);
  CHECK(second.soft == first.soft);
}
