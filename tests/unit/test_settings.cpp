// Unit tests for settings_from_env: defaults, every variable, and messages for malformed values.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "fake_env.hpp"

using namespace epsitter;
using epsitter::testing::fake_env;
using namespace std::chrono_literals;

namespace {

Settings settings_with(std::map<std::string, std::string> variables) {
  return settings_from_env(fake_env(std::move(variables)));
}

std::string error_for(const std::string& variable, const std::string& value) {
  try {
    settings_with({{variable, value}});
  } catch (const SettingsError& error) {
    return error.what();
  }
  throw std::logic_error(variable + "=" + value + " was accepted but should be rejected");
}

}  // namespace

TEST_CASE("no variables set gives the documented defaults", "[settings]") {
  const Settings settings = settings_with({});
  CHECK(settings.log_level == LogLevel::info);
  CHECK(settings.poll_interval == 30s);
  CHECK(settings.server_port == 8989);
  CHECK(settings.pool_size == 5);
  CHECK(settings.request_timeout == 15s);
  CHECK(settings.metric_prefix == "sitter");
  CHECK(settings.max_in_flight == 10'000);
}

TEST_CASE("an empty lookup function counts as an empty environment", "[settings]") {
  CHECK(settings_from_env(EnvLookup{}).server_port == 8989);
}

// The six variables of the original tool, as one environment and what it must give.
struct SeedVariables {
  const char* what;
  std::map<std::string, std::string> env;
  LogLevel log_level;
  std::chrono::milliseconds poll_interval;
  int server_port;
  int pool_size;
  std::chrono::milliseconds request_timeout;
  std::string metric_prefix;
};

TEST_CASE("the original tool's variables: set, blank or padded", "[settings]") {
  const std::vector<SeedVariables> cases{
      {"empty or blank variables count as unset",
       {{"LOG_LEVEL", ""},
        {"POLL_INTERVAL", "   "},
        {"SERVER_PORT", "\t"},
        {"POOL_SIZE", ""},
        {"REQUEST_TIMEOUT", " \n"},
        {"METRIC_PREFIX", ""}},
       LogLevel::info, 30s, 8989, 5, 15s, "sitter"},
      {"every variable is read when set",
       {{"LOG_LEVEL", "debug"},
        {"POLL_INTERVAL", "10"},
        {"SERVER_PORT", "9100"},
        {"POOL_SIZE", "8"},
        {"REQUEST_TIMEOUT", "2.5"},
        {"METRIC_PREFIX", "my_app:probe"}},
       LogLevel::debug, 10s, 9100, 8, 2500ms, "my_app:probe"},
      {"values are trimmed of surrounding whitespace",
       {{"LOG_LEVEL", "  error\n"},
        {"POLL_INTERVAL", " 5 "},
        {"SERVER_PORT", "\t8080 "},
        {"POOL_SIZE", " 3"},
        {"REQUEST_TIMEOUT", "1 "},
        {"METRIC_PREFIX", " probe "}},
       LogLevel::error, 5s, 8080, 3, 1s, "probe"},
  };
  for (const SeedVariables& expected : cases) {
    INFO(expected.what);
    const Settings settings = settings_with(expected.env);
    CHECK(settings.log_level == expected.log_level);
    CHECK(settings.poll_interval == expected.poll_interval);
    CHECK(settings.server_port == expected.server_port);
    CHECK(settings.pool_size == expected.pool_size);
    CHECK(settings.request_timeout == expected.request_timeout);
    CHECK(settings.metric_prefix == expected.metric_prefix);
  }
}

TEST_CASE("log levels are case-insensitive and WARN means warning", "[settings]") {
  CHECK(parse_log_level("DEBUG") == LogLevel::debug);
  CHECK(parse_log_level("Info") == LogLevel::info);
  CHECK(parse_log_level("warning") == LogLevel::warning);
  CHECK(parse_log_level("WARN") == LogLevel::warning);
  CHECK(parse_log_level("warn") == LogLevel::warning);
  CHECK(parse_log_level("Error") == LogLevel::error);
  CHECK(parse_log_level("critical") == LogLevel::critical);
  CHECK(settings_with({{"LOG_LEVEL", "Warn"}}).log_level == LogLevel::warning);
}

TEST_CASE("an unknown log level is rejected with the valid values listed", "[settings]") {
  CHECK(error_for("LOG_LEVEL", "verbose") ==
        "LOG_LEVEL=\"verbose\": expected one of DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL "
        "(any case)");
  CHECK_THROWS_AS(parse_log_level("FATAL"), SettingsError);
}

TEST_CASE("fractional seconds become milliseconds, rounded to the nearest", "[settings]") {
  CHECK(settings_with({{"POLL_INTERVAL", "0.5"}}).poll_interval == 500ms);
  CHECK(settings_with({{"REQUEST_TIMEOUT", ".25"}}).request_timeout == 250ms);
  CHECK(parse_seconds("1.2345", "X", 10) == 1235ms);
  CHECK(parse_seconds("1e1", "X", 10) == 10s);
  CHECK(parse_seconds("+3", "X", 10) == 3s);
}

TEST_CASE("a tiny positive number of seconds never becomes 0 ms", "[settings]") {
  CHECK(parse_seconds("0.0001", "X", 10) == 1ms);
  CHECK(settings_with({{"REQUEST_TIMEOUT", "0.0004"}}).request_timeout == 1ms);
}

TEST_CASE("the largest allowed intervals are accepted", "[settings]") {
  CHECK(settings_with({{"POLL_INTERVAL", "86400"}}).poll_interval == 86'400s);
  CHECK(settings_with({{"REQUEST_TIMEOUT", "3600"}}).request_timeout == 3'600s);
}

TEST_CASE("a malformed POLL_INTERVAL is rejected naming the variable and value", "[settings]") {
  const std::string bad = GENERATE(as<std::string>{}, "abc", "10s", "1e", "nan", "inf", "0", "-1",
                                   "0.0", "86400.5", "1e9", "0x10", "1..5", ".", "1 2", "--1");
  CHECK(error_for("POLL_INTERVAL", bad) == "POLL_INTERVAL=\"" + bad +
                                               "\": expected a number of seconds greater than 0 "
                                               "(at most 86400)");
}

TEST_CASE("a malformed REQUEST_TIMEOUT is rejected with its own limit", "[settings]") {
  const std::string bad = GENERATE(as<std::string>{}, "abc", "10s", "0", "-1", "3600.001", "inf");
  CHECK(error_for("REQUEST_TIMEOUT", bad) ==
        "REQUEST_TIMEOUT=\"" + bad +
            "\": expected a number of seconds greater than 0 (at most 3600)");
}

TEST_CASE("parse_seconds rejects an empty string and names its source", "[settings]") {
  CHECK_THROWS_MATCHES(
      parse_seconds("", "timeout", 60), SettingsError,
      Catch::Message("timeout=\"\": expected a number of seconds greater than 0 (at most 60)"));
}

TEST_CASE("SERVER_PORT accepts 0 to 65535 and nothing else", "[settings]") {
  CHECK(settings_with({{"SERVER_PORT", "0"}}).server_port == 0);
  CHECK(settings_with({{"SERVER_PORT", "65535"}}).server_port == 65535);
  const std::string bad = GENERATE(as<std::string>{}, "8989x", "1.5", "-1", "65536", "+80", "0x50",
                                   "99999999999999999999", "eighty");
  CHECK(error_for("SERVER_PORT", bad) ==
        "SERVER_PORT=\"" + bad + "\": expected an integer from 0 to 65535");
}

TEST_CASE("POOL_SIZE accepts 1 to 256 and nothing else", "[settings]") {
  CHECK(settings_with({{"POOL_SIZE", "1"}}).pool_size == 1);
  CHECK(settings_with({{"POOL_SIZE", "256"}}).pool_size == 256);
  const std::string bad = GENERATE(as<std::string>{}, "0", "257", "1.5", "4 threads", "-2");
  CHECK(error_for("POOL_SIZE", bad) ==
        "POOL_SIZE=\"" + bad + "\": expected an integer from 1 to 256");
}

TEST_CASE("METRIC_PREFIX must be a valid Prometheus name prefix", "[settings]") {
  CHECK(settings_with({{"METRIC_PREFIX", "_probe:x9"}}).metric_prefix == "_probe:x9");
  const std::string bad = GENERATE(as<std::string>{}, "my-app", "9lives", "a b", "prefix.x");
  CHECK(error_for("METRIC_PREFIX", bad) ==
        "METRIC_PREFIX=\"" + bad +
            "\": expected a Prometheus metric name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*");
}

TEST_CASE("is_valid_metric_prefix follows the metric name grammar", "[settings]") {
  CHECK(is_valid_metric_prefix("sitter"));
  CHECK(is_valid_metric_prefix(":a_1"));
  CHECK(is_valid_metric_prefix("A"));
  CHECK_FALSE(is_valid_metric_prefix(""));
  CHECK_FALSE(is_valid_metric_prefix("1a"));
  CHECK_FALSE(is_valid_metric_prefix("a-b"));
  CHECK_FALSE(is_valid_metric_prefix("é"));
}

TEST_CASE("control characters in a bad value are escaped in the message", "[settings]") {
  CHECK(error_for("SERVER_PORT", "80\n81") ==
        "SERVER_PORT=\"80\\n81\": expected an integer from 0 to 65535");
}

TEST_CASE("MAX_IN_FLIGHT bounds the probes open at once", "[settings]") {
  CHECK(settings_with({{"MAX_IN_FLIGHT", "250"}}).max_in_flight == 250);
  CHECK(settings_with({{"MAX_IN_FLIGHT", " 1 "}}).max_in_flight == 1);
  const std::string bad = GENERATE(as<std::string>{}, "0", "-5", "abc", "1.5", "1000001");
  CHECK(error_for("MAX_IN_FLIGHT", bad) ==
        "MAX_IN_FLIGHT=\"" + bad + "\": expected an integer from 1 to 1000000");
}

TEST_CASE("one replica probes every target: shard 0 of 1 whatever the host name", "[settings]") {
  const Settings settings = settings_from_env(fake_env({}), "epsitter-7");
  CHECK(settings.shard.index == 0);
  CHECK(settings.shard.count == 1);
}

TEST_CASE("SHARD_COUNT and SHARD_INDEX set the shard", "[settings]") {
  const Settings settings =
      settings_from_env(fake_env({{"SHARD_COUNT", "4"}, {"SHARD_INDEX", "3"}}), "ignored-1");
  CHECK(settings.shard.index == 3);
  CHECK(settings.shard.count == 4);
}

TEST_CASE("without SHARD_INDEX a StatefulSet pod's ordinal is the shard index", "[settings]") {
  const auto shard_of_host = [](const std::string& host) {
    return settings_from_env(fake_env({{"SHARD_COUNT", "3"}}), host).shard.index;
  };
  CHECK(shard_of_host("epsitter-0") == 0);
  CHECK(shard_of_host("epsitter-2") == 2);
  CHECK(shard_of_host("my-sitter-1") == 1);
}

TEST_CASE("a shard index that cannot be found or is out of range is an error", "[settings]") {
  const auto error_of = [](std::map<std::string, std::string> variables, const std::string& host) {
    try {
      settings_from_env(fake_env(std::move(variables)), host);
    } catch (const SettingsError& error) {
      return std::string{error.what()};
    }
    return std::string{"accepted"};
  };
  CHECK_THAT(error_of({{"SHARD_COUNT", "3"}}, "laptop"),
             Catch::Contains("SHARD_INDEX is not set and the host name \"laptop\""));
  CHECK_THAT(error_of({{"SHARD_COUNT", "3"}}, "epsitter-3"),
             Catch::Contains("gives SHARD_INDEX 3, which is not below SHARD_COUNT=3"));
  CHECK_THAT(error_of({{"SHARD_COUNT", "3"}, {"SHARD_INDEX", "3"}}, ""),
             Catch::Contains("SHARD_INDEX=\"3\": expected an integer from 0 to 2"));
  CHECK_THAT(error_of({{"SHARD_INDEX", "1"}}, ""),
             Catch::Contains("SHARD_INDEX=\"1\": expected an integer from 0 to 0"));
  CHECK_THAT(error_of({{"SHARD_COUNT", "0"}}, ""), Catch::Contains("SHARD_COUNT=\"0\""));
  CHECK_THAT(error_of({{"SHARD_COUNT", "two"}}, ""), Catch::Contains("SHARD_COUNT=\"two\""));
  CHECK_THAT(error_of({{"SHARD_COUNT", "2"}, {"SHARD_INDEX", "-1"}}, ""),
             Catch::Contains("SHARD_INDEX=\"-1\""));
}

TEST_CASE("SHARD_MODE=lease reads the group, lease duration, pod name and namespace",
          "[settings]") {
  const Settings plain = settings_from_env(fake_env({}), "host");
  CHECK_FALSE(plain.lease_sharding.enabled);
  const Settings lease = settings_from_env(
      fake_env({{"SHARD_MODE", "lease"}, {"POD_NAMESPACE", "monitoring"}}), "epsitter-7f9c-x2");
  CHECK(lease.lease_sharding.enabled);
  CHECK(lease.lease_sharding.group == "epsitter");
  CHECK(lease.lease_sharding.lease_seconds == 15);
  CHECK(lease.lease_sharding.identity == "epsitter-7f9c-x2");  // the host name without HOSTNAME
  CHECK(lease.lease_sharding.namespace_ == "monitoring");
  CHECK(lease.shard.count == 1);
  const Settings named = settings_from_env(fake_env({{"SHARD_MODE", "lease"},
                                                     {"HOSTNAME", "sitter-a"},
                                                     {"SHARD_GROUP", "edge.probes"},
                                                     {"SHARD_LEASE_SECONDS", "3"}}),
                                           "ignored");
  CHECK(named.lease_sharding.identity == "sitter-a");
  CHECK(named.lease_sharding.group == "edge.probes");
  CHECK(named.lease_sharding.lease_seconds == 3);
  CHECK(named.lease_sharding.namespace_.empty());
  CHECK(settings_from_env(fake_env({{"SHARD_MODE", "static"}}), "h").shard.count == 1);
}

TEST_CASE("a bad lease setting, or SHARD_COUNT in lease mode, is an error", "[settings]") {
  const auto error_of = [](std::map<std::string, std::string> variables) {
    try {
      settings_from_env(fake_env(std::move(variables)), "pod-a");
    } catch (const SettingsError& error) {
      return std::string{error.what()};
    }
    return std::string{"accepted"};
  };
  CHECK_THAT(error_of({{"SHARD_MODE", "leases"}}),
             Catch::Contains("SHARD_MODE=\"leases\": expected static"));
  CHECK_THAT(error_of({{"SHARD_MODE", "lease"}, {"SHARD_COUNT", "3"}}),
             Catch::Contains("SHARD_COUNT is for SHARD_MODE=static"));
  CHECK_THAT(error_of({{"SHARD_MODE", "lease"}, {"SHARD_GROUP", "a b"}}),
             Catch::Contains("SHARD_GROUP=\"a b\""));
  CHECK_THAT(error_of({{"SHARD_MODE", "lease"}, {"SHARD_LEASE_SECONDS", "0"}}),
             Catch::Contains("SHARD_LEASE_SECONDS=\"0\""));
  CHECK_THAT(error_of({{"SHARD_MODE", "lease"}, {"HOSTNAME", "-bad"}}),
             Catch::Contains("HOSTNAME=\"-bad\""));
  CHECK_THAT(error_of({{"SHARD_MODE", "lease"}, {"POD_NAMESPACE", "a/b"}}),
             Catch::Contains("POD_NAMESPACE=\"a/b\""));
}

TEST_CASE("WEB_ALLOWED_HOSTS is a comma-separated list of lower-cased globs", "[settings]") {
  CHECK(settings_with({}).web_allowed_hosts.empty());
  CHECK(
      settings_with({{"WEB_ALLOWED_HOSTS", " Metrics.Example.com, *.corp ,,"}}).web_allowed_hosts ==
      std::vector<std::string>{"metrics.example.com", "*.corp"});
  CHECK_THAT(error_for("WEB_ALLOWED_HOSTS", "metrics.example.com:8989"),
             Catch::Contains("WEB_ALLOWED_HOSTS=\"metrics.example.com:8989\": expected "
                             "comma-separated host names or globs"));
  CHECK_THAT(error_for("WEB_ALLOWED_HOSTS", "a.example, http://b.example/"),
             Catch::Contains("WEB_ALLOWED_HOSTS=\"http://b.example/\""));
}

TEST_CASE("WEB_RESPONSE_TIMEOUT sets the base of the response deadline", "[settings]") {
  CHECK(settings_with({}).web_response_timeout == 30s);
  CHECK(settings_with({{"WEB_RESPONSE_TIMEOUT", "2.5"}}).web_response_timeout == 2500ms);
  CHECK_THAT(error_for("WEB_RESPONSE_TIMEOUT", "0"),
             Catch::Contains("WEB_RESPONSE_TIMEOUT=\"0\": expected a number of seconds"));
}
