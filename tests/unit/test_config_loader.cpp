// Unit tests for the YAML config loader: the seed format in full, field by field.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config_text.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Catch::Contains;

// --- The seed format
// ---------------------------------------------------------------------------------

TEST_CASE("the seed sample is parsed field by field, in file order", "[config]") {
  const Config config = parse(kSeedSample);
  REQUIRE(config.targets.size() == 3);

  const Target& service = config.targets[0];
  check_identity(service, "my_service", "qa_workloads", "get",
                 "https://my-app.nspace.svc.cluster.local:8080");
  CHECK(service.timeout == std::optional<std::chrono::milliseconds>{10s});
  CHECK_FALSE(service.extras->auth_user);
  CHECK_FALSE(service.extras->auth_pass);
  CHECK_FALSE(service.body);
  CHECK(service.headers.empty());

  const Target& api = config.targets[1];
  check_identity(api, "my_api_test", "prod", "post",
                 "https://api.nspace.svc.cluster.local:8000/api/whatevs");
  CHECK_FALSE(api.timeout);
  CHECK(api.extras->auth_user == std::optional<std::string>{"myUsername"});
  CHECK(api.extras->auth_pass == std::optional<std::string>{"myPa55word"});
  CHECK(api.body == std::optional<std::string>{"some_parameter=A+value+goes+here"});
  CHECK(api.headers == Headers{{"x-my-custom-header", "Lee was here."},
                               {"Content-Type", "application/x-www-form-urlencoded"}});
}

TEST_CASE("userinfo becomes basic auth, out of the request URL and the url label", "[config]") {
  const Target target = parse(kSeedSample).targets[2];
  CHECK(target.url == "https://host/x");
  CHECK(target.labels.url == "https://host/x");
  CHECK(target.extras->auth_user == std::optional<std::string>{"u"});
  CHECK(target.extras->auth_pass == std::optional<std::string>{"secret"});
  CHECK(target.labels.namespace_ == "Unknown");
}

TEST_CASE("userinfo is percent-decoded, as libcurl decoded it", "[config]") {
  const Target target = only_target("urls:\n  t:\n    url: http://b%40b:p%2Fss%3Aw@h/\n");
  CHECK(target.extras->auth_user == std::optional<std::string>{"b@b"});
  CHECK(target.extras->auth_pass == std::optional<std::string>{"p/ss:w"});
  CHECK_FALSE(only_target("urls:\n  t:\n    url: http://bob@h/\n").extras->auth_pass);
}

TEST_CASE("auth_user or a bearer token wins over userinfo, as it did in libcurl", "[config]") {
  const Target basic =
      only_target("urls:\n  t:\n    url: http://bob:pw@h/\n    auth_user: al\n    auth_pass: x\n");
  CHECK(basic.url == "http://h/");
  CHECK(basic.extras->auth_user == std::optional<std::string>{"al"});
  CHECK(basic.extras->auth_pass == std::optional<std::string>{"x"});
  const Config bearer =
      parse("defaults:\n  bearer_token: t\nurls:\n  t:\n    url: http://bob:pw@h/\n");
  CHECK_FALSE(bearer.targets[0].extras->auth_user);
  CHECK(bearer.targets[0].url == "http://h/");
}

TEST_CASE("removing userinfo changes nothing else in the url label", "[config]") {
  const Target target = only_target(R"(urls:
  t:
    url: HTTPS://user:p@ss@Example.COM:8443/a/../b?q=x@y#frag
)");
  CHECK(target.url == "HTTPS://Example.COM:8443/a/../b?q=x@y#frag");
  CHECK(target.labels.url == "HTTPS://Example.COM:8443/a/../b?q=x@y#frag");
  CHECK(target.extras->auth_pass == std::optional<std::string>{"p@ss"});
}

TEST_CASE("a target with only a url gets the defaults", "[config]") {
  const Target target = only_target("urls:\n  t:\n    url: http://[::1]:8080/health\n");
  CHECK(target.labels.name == "t");
  CHECK(target.labels.namespace_ == "Unknown");  // the original tool's label values
  CHECK(target.labels.method == "get");
  CHECK(target.method == "GET");
  CHECK_FALSE(target.timeout);
  CHECK_FALSE(target.body);
  CHECK(target.headers.empty());
}

TEST_CASE("timeout may be fractional and never rounds down to 0 ms", "[config]") {
  CHECK(only_target("urls:\n  t:\n    url: http://h\n    timeout: 0.25\n").timeout == 250ms);
  CHECK(only_target("urls:\n  t:\n    url: http://h\n    timeout: 0.0001\n").timeout == 1ms);
  CHECK(only_target("urls:\n  t:\n    url: http://h\n    timeout: 3600\n").timeout == 3600s);
}

TEST_CASE("method is case-insensitive: sent upper case, labelled as written", "[config]") {
  const std::string method =
      GENERATE(as<std::string>{}, "get", "Post", "PUT", "patch", "delete", "head", "Options");
  const Target target = only_target("urls:\n  t:\n    url: http://h\n    method: " + method + "\n");
  std::string upper = method;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(target.method == upper);
  CHECK(target.labels.method == method);
}

TEST_CASE("auth_user alone means an empty password is not invented", "[config]") {
  const Target target = only_target("urls:\n  t:\n    url: http://h\n    auth_user: me\n");
  CHECK(target.extras->auth_user == std::optional<std::string>{"me"});
  CHECK_FALSE(target.extras->auth_pass);
}

TEST_CASE("headers keep config order and numbers keep their text", "[config]") {
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    headers:
      X-B: two
      X-A: 1.50
      Accept: "*/*"
)");
  CHECK(target.headers == Headers{{"X-B", "two"}, {"X-A", "1.50"}, {"Accept", "*/*"}});
}

TEST_CASE("a configured Content-Type of any case is not duplicated by a JSON body", "[config]") {
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: POST
    headers: {content-TYPE: application/vnd.api+json}
    json: [1, 2]
)");
  CHECK(target.body == std::optional<std::string>{"[1,2]"});
  CHECK(target.headers == Headers{{"content-TYPE", "application/vnd.api+json"}});
}

TEST_CASE("a scalar payload is sent exactly as written, without a Content-Type", "[config]") {
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: POST
    payload: |
      <ping/>
)");
  CHECK(target.body == std::optional<std::string>{"<ping/>\n"});
  CHECK(target.headers.empty());
}

TEST_CASE("a null payload means no body", "[config]") {
  const Target target =
      only_target("urls:\n  t:\n    url: http://h\n    payload:\n    method: HEAD\n");
  CHECK_FALSE(target.body);
  CHECK(target.headers.empty());
}

TEST_CASE("json scalars are typed the way PyYAML's safe_load typed them", "[config]") {
  // The expected text is what PyYAML's safe_load and json.dumps(separators=(",", ":")) produce,
  // except the date, which json.dumps could not send at all and which stays text here.
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: POST
    json:
      bools: [yes, No, on, OFF, True, tRuE, y]
      nulls: [~, null, NULL, !!null '', "null", '']
      ints: [0x1F, 0b101, 017, 09, 1_000, "1_000", 1:30, -0, +12, 12345678901234567890]
      floats: [1.5, 1., .5, 1e3, 1.0e+3, 190:20:30.15, -2.5]
      text: [2024-01-01, 'quoted 5', !!str 5, !!int "7", !!float "1"]
      nested: {list: [{x: 1}], empty_map: {}, empty_list: []}
      nothing:
      block: |
        line one
        line two
)");
  CHECK(target.body ==
        std::optional<std::string>{
            R"({"bools":[true,false,true,false,true,"tRuE","y"],)"
            R"("nulls":[null,null,null,null,"null",""],)"
            R"("ints":[31,5,15,"09",1000,"1_000",90,0,12,12345678901234567890],)"
            R"("floats":[1.5,1.0,0.5,"1e3",1000.0,685230.15,-2.5],)"
            R"("text":["2024-01-01","quoted 5","5",7,1.0],)"
            R"("nested":{"list":[{"x":1}],"empty_map":{},"empty_list":[]},"nothing":null,)"
            R"("block":"line one\nline two\n"})"});
}

TEST_CASE("json map keys keep config order and non-text keys take their JSON spelling",
          "[config]") {
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: POST
    json: {zebra: 1, 2: two, apple: 3, false: f, "<<": not a merge}
)");
  CHECK(target.body == std::optional<std::string>{
                           R"({"zebra":1,"2":"two","apple":3,"false":"f","<<":"not a merge"})"});
}

TEST_CASE("merge keys share settings between targets as PyYAML allowed", "[config]") {
  const Config config = parse(R"(urls:
  first: &common
    namespace: shared
    url: http://first
    headers: {X-Team: sre}
  second:
    <<: *common
    url: http://second
)");
  REQUIRE(config.targets.size() == 2);
  const Target& second = config.targets[1];
  CHECK(second.labels.name == "second");
  CHECK(second.labels.namespace_ == "shared");
  CHECK(second.url == "http://second");
  CHECK(second.headers == Headers{{"X-Team", "sre"}});
}

TEST_CASE("a list of merged maps follows PyYAML's precedence and key order", "[config]") {
  // PyYAML: the map's own keys win, then the first merged map; keys appear from the last map first.
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: POST
    json:
      y: own
      <<: [{x: a, only_a: 1}, {x: b, only_b: 2, y: b}]
      z: own
)");
  CHECK(target.body ==
        std::optional<std::string>{R"({"x":"a","only_b":2,"y":"own","only_a":1,"z":"own"})"});
}

TEST_CASE("a payload map is the form the original tool sent (requests' data=)", "[config]") {
  // Expected: requests.Request("POST", url, data=yaml.safe_load(...)).prepare().body
  const Target target = only_target(R"(urls:
  t:
    url: http://h
    method: post
    payload:
      some_parameter: A value goes here
      flags: [yes, 1, 1.5, ~, "x&y=z"]
      none: null
      on: "été/50%"
      1e3: .5
)");
  CHECK(target.body ==
        std::optional<std::string>{"some_parameter=A+value+goes+here&flags=True&flags=1&flags=1.5"
                                   "&flags=x%26y%3Dz&True=%C3%A9t%C3%A9%2F50%25&1e3=0.5"});
  CHECK(target.headers == Headers{{"Content-Type", "application/x-www-form-urlencoded"}});
}

TEST_CASE("a form keeps a configured Content-Type; an empty map sends no body", "[config]") {
  const Target typed = only_target(R"(urls:
  t:
    url: http://h
    headers: {content-type: text/plain}
    payload: {a: b c}
)");
  CHECK(typed.body == std::optional<std::string>{"a=b+c"});
  CHECK(typed.headers == Headers{{"content-type", "text/plain"}});
  const Target empty = only_target("urls:\n  t:\n    url: http://h\n    payload: {}\n");
  CHECK_FALSE(empty.body);
  CHECK(empty.headers.empty());
}

TEST_CASE("payload and json together, or nested data in a form, name json", "[config][errors]") {
  const auto error_of = [](const std::string& fields) {
    return message_of(error_for("urls:\n  t:\n    url: http://a\n" + fields));
  };
  CHECK_THAT(error_of("    payload: {a: 1}\n    json: {a: 1}\n"),
             Contains("urls.t.json: set either payload (a form or text) or json"));
  CHECK_THAT(error_of("    payload: {a: {b: 1}}\n"),
             Contains("urls.t.payload.a: a nested map cannot be sent as a form; to send nested "
                      "data, use json:"));
  CHECK_THAT(error_of("    payload: {a: [[1]]}\n"), Contains("use json: instead of payload:"));
  CHECK_THAT(error_of("    payload: [1, 2]\n"),
             Contains("got a list; to send a JSON list, use json: instead of payload:"));
}

// --- Errors: every one names file, line, column, field and the bad value
// ------------------------------
