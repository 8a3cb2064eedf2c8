// Config text as the loader's tests need it: parsed, its only target, or the error it must raise.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "config/config_loader.hpp"
#include "fake_env.hpp"
#include "text/ascii.hpp"

namespace epsitter::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The seed tool's README example, unchanged apart from the userinfo target at the end.
inline constexpr const char* kSeedSample = R"(urls:
  my_service:                      # the target's name (map key)
    namespace: qa_workloads
    url: https://my-app.nspace.svc.cluster.local:8080
    timeout: 10                    # seconds, may be fractional; overrides REQUEST_TIMEOUT
  my_api_test:
    namespace: prod
    url: https://api.nspace.svc.cluster.local:8000/api/whatevs
    auth_user: myUsername          # HTTP basic auth
    auth_pass: myPa55word
    method: post                   # any case; default get
    payload: {some_parameter: "A value goes here"}   # request body
    headers: {x-my-custom-header: "Lee was here."}
  with_userinfo:
    url: https://u:secret@host/x
)";

// The text as the file sitter.yaml.
inline Config parse(const std::string& yaml, const EnvLookup& env = {}) {
  return parse_config(yaml, "sitter.yaml", env);
}

inline Target only_target(const std::string& yaml, const EnvLookup& env = {}) {
  const Config config = parse(yaml, env);
  REQUIRE(config.targets.size() == 1);
  return config.targets.front();
}

// A config of one target, `t`, with these fields (YAML lines indented by 4) besides its url.
inline std::string one_target_with(const std::string& fields) {
  return "urls:\n  t:\n    url: http://h/\n" + fields;
}

// The error the text must raise; a text that is accepted fails the test.
inline ConfigError error_for(const std::string& yaml, const EnvLookup& env = {}) {
  try {
    parse(yaml, env);
  } catch (const ConfigError& error) {
    return error;
  }
  throw std::logic_error("the config was accepted but should have been rejected:\n" + yaml);
}

inline Target target_with(const std::string& fields, const EnvLookup& env = {}) {
  return only_target(one_target_with(fields), env);
}

inline ConfigError field_error(const std::string& fields, const EnvLookup& env = {}) {
  return error_for(one_target_with(fields), env);
}

// What identifies a target in its series, and the request it makes: `method` as the config wrote
// it (the label keeps its case; the request sends it upper-case), `url` with no userinfo in it.
inline void check_identity(const Target& target, const std::string& name,
                           const std::string& namespace_, const std::string& method,
                           const std::string& url) {
  INFO("target " << name);
  CHECK(target.labels.name == name);
  CHECK(target.labels.namespace_ == namespace_);
  CHECK(target.labels.method == method);
  CHECK(target.method == text::to_upper_ascii(method));
  CHECK(target.labels.url == url);
  CHECK(target.url == url);
}

inline std::string message_of(const ConfigError& error) {
  return error.what();
}

}  // namespace epsitter::testing
