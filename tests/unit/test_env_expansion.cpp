// Unit tests for ${VAR} expansion in config values, with an injected environment.
#include <catch2/catch.hpp>
#include <map>

#include "config/env_expansion.hpp"
#include "fake_env.hpp"

using namespace epsitter;
using epsitter::testing::fake_env;

TEST_CASE("${VAR} is replaced by the variable's value", "[env]") {
  const EnvLookup env = fake_env({{"TOKEN", "s3cr3t"}, {"HOST", "api"}, {"EMPTY", ""}});
  CHECK(expand_env("${TOKEN}", env) == "s3cr3t");
  CHECK(expand_env("https://${HOST}:8443/${HOST}", env) == "https://api:8443/api");
  CHECK(expand_env("a${EMPTY}b", env) == "ab");
  CHECK(expand_env("no variables", env) == "no variables");
}

TEST_CASE("$${ is a literal ${ and other dollars stay as written", "[env]") {
  const EnvLookup env = fake_env({{"X", "1"}});
  CHECK(expand_env("$${X}", env) == "${X}");
  CHECK(expand_env("$$${X}", env) == "$1");
  CHECK(expand_env("$$$${X}", env) == "$${X}");
  CHECK(expand_env("pa$$word", env) == "pa$$word");  // seed passwords keep their meaning
  CHECK(expand_env("cost: $5 ${X}$", env) == "cost: $5 1$");
  CHECK(expand_env("$X", env) == "$X");
}

TEST_CASE("a missing variable is an error naming it and not the value", "[env]") {
  const EnvLookup env = fake_env({});
  CHECK_THROWS_WITH(expand_env("secret-prefix-${MISSING_TOKEN}", env),
                    "uses ${MISSING_TOKEN}, but the environment variable MISSING_TOKEN is not set");
  CHECK_THROWS_AS(expand_env("${A}", EnvLookup{}), EnvExpansionError);
}

TEST_CASE("a malformed ${ is an error that does not quote the value", "[env]") {
  const EnvLookup env = fake_env({{"X", "1"}});
  CHECK_THROWS_WITH(expand_env("hunter2${X", env), Catch::Contains("without its closing"));
  CHECK_THROWS_WITH(expand_env("hunter2${}", env), Catch::Contains("not a variable name"));
  CHECK_THROWS_WITH(expand_env("${1X}", env), Catch::Contains("not a variable name"));
  CHECK_THROWS_WITH(expand_env("${A-B}", env), !Catch::Contains("hunter2"));
}
