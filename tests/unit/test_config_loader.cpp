// Unit tests for the YAML config loader: the seed format in full, and where each error points.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config_loader.hpp"
#include "config/input_limits.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The seed tool's README example, unchanged apart from the userinfo target at the end.
constexpr const char* kSeedSample = R"(urls:
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

Config parse(const std::string& yaml) {
  return parse_config(yaml, "sitter.yaml");
}

ConfigError error_for(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& error) {
    return error;
  }
  throw std::logic_error("the config was accepted but should have been rejected:\n" + yaml);
}

Target only_target(const std::string& yaml) {
  const Config config = parse(yaml);
  REQUIRE(config.targets.size() == 1);
  return config.targets.front();
}

std::string message_of(const ConfigError& error) {
  return error.what();
}

}  // namespace

// --- The seed format
// ---------------------------------------------------------------------------------

TEST_CASE("the seed sample is parsed field by field, in file order", "[config]") {
  const Config config = parse(kSeedSample);
  REQUIRE(config.targets.size() == 3);

  const Target& service = config.targets[0];
  CHECK(service.labels.name == "my_service");
  CHECK(service.labels.namespace_ == "qa_workloads");
  CHECK(service.labels.method == "get");
  CHECK(service.method == "GET");
  CHECK(service.labels.url == "https://my-app.nspace.svc.cluster.local:8080");
  CHECK(service.url == "https://my-app.nspace.svc.cluster.local:8080");
  CHECK(service.timeout == std::optional<std::chrono::milliseconds>{10s});
  CHECK_FALSE(service.extras->auth_user);
  CHECK_FALSE(service.extras->auth_pass);
  CHECK_FALSE(service.body);
  CHECK(service.headers.empty());

  const Target& api = config.targets[1];
  CHECK(api.labels.name == "my_api_test");
  CHECK(api.labels.namespace_ == "prod");
  CHECK(api.labels.method == "post");
  CHECK(api.method == "POST");
  CHECK(api.labels.url == "https://api.nspace.svc.cluster.local:8000/api/whatevs");
  CHECK(api.url == "https://api.nspace.svc.cluster.local:8000/api/whatevs");
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

TEST_CASE("an error's text is FILE:LINE:COL: FIELD: MESSAGE", "[config][errors]") {
  const ConfigError error = error_for(R"(urls:
  a:
    url: http://a
  b:
    url: http://b
  my_api_test:
    timeout: abc
    url: http://c
)");
  CHECK(error.file() == "sitter.yaml");
  CHECK(error.line() == 7);
  CHECK(error.column() == 14);
  CHECK(error.field() == "urls.my_api_test.timeout");
  CHECK(message_of(error) ==
        R"(sitter.yaml:7:14: urls.my_api_test.timeout: "abc" is not a number of seconds)");
}

TEST_CASE("a misspelt field is rejected with the closest known field suggested",
          "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    url: http://a\n    tiemout: 5\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 5);
  CHECK(error.field() == "urls.svc.tiemout");
  CHECK(message_of(error) ==
        R"(sitter.yaml:4:5: urls.svc.tiemout: unknown field "tiemout" (did you mean "timeout"?))");
}

TEST_CASE("suggestions also catch wrong case and longer slips", "[config][errors]") {
  CHECK_THAT(message_of(error_for("urls:\n  t:\n    URL: http://a\n")),
             Contains(R"(unknown field "URL" (did you mean "url"?))"));
  CHECK_THAT(message_of(error_for("urls:\n  t:\n    url: http://a\n    auth_password: x\n")),
             Contains(R"(unknown field "auth_password" (did you mean "auth_pass"?))"));
}

TEST_CASE("an unknown field far from every known one gets no guess", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    url: http://a\n    colour: red\n");
  CHECK(error.line() == 4);
  CHECK(error.field() == "urls.svc.colour");
  CHECK_THAT(message_of(error),
             Contains(R"(unknown field "colour"; expected one of namespace, url)"));
  CHECK_THAT(message_of(error), !Contains("did you mean"));
}

TEST_CASE("an unknown top-level key is rejected with a suggestion", "[config][errors]") {
  const ConfigError error = error_for("url:\n  a: {url: http://a}\n");
  CHECK(error.line() == 1);
  CHECK(error.column() == 1);
  CHECK(error.field() == "url");
  CHECK_THAT(message_of(error), Contains(R"(unknown top-level key "url" (did you mean "urls"?))"));
}

TEST_CASE("a missing url is reported at the target's map", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    namespace: prod\n");
  CHECK(error.line() == 3);
  CHECK(error.column() == 5);
  CHECK(error.field() == "urls.svc.url");
  CHECK(message_of(error) == R"(sitter.yaml:3:5: urls.svc.url: missing required field "url")");
}

TEST_CASE("a url whose scheme is not http or https is rejected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    url: ftp://files.example.com/x\n");
  CHECK(error.line() == 3);
  CHECK(error.column() == 10);
  CHECK(error.field() == "urls.svc.url");
  CHECK_THAT(message_of(error),
             Contains(R"("ftp://files.example.com/x" uses scheme "ftp": only http and https)"));
}

TEST_CASE("malformed urls are rejected, quoting them without credentials", "[config][errors]") {
  const auto message_for_url = [](const std::string& url) {
    return message_of(error_for("urls:\n  t:\n    url: '" + url + "'\n"));
  };
  CHECK_THAT(message_for_url("my-app:8080"), Contains(R"("my-app:8080" is not an absolute URL)"));
  CHECK_THAT(message_for_url("http:///path"), Contains(R"("http:///path" has no host)"));
  CHECK_THAT(message_for_url("http://h:99999/"), Contains(R"(has an invalid port "99999")"));
  CHECK_THAT(message_for_url("http://h:80x/"), Contains(R"(has an invalid port "80x")"));
  CHECK_THAT(message_for_url("http://[::1/"), Contains("without its closing ']'"));
  CHECK(message_for_url("http://u:secret@").find("secret") == std::string::npos);
  CHECK(message_for_url("u:secret@host/x").find("secret") == std::string::npos);
  CHECK(message_for_url("gopher://u:secret@host/").find("secret") == std::string::npos);
  // A '#', '/' or '?' in a password ends the authority (RFC 3986): an error that shows none of it.
  CHECK(message_for_url("http://bob:p#S3CRET@host/") ==
        "sitter.yaml:3:10: urls.t.url: \"http://***@host/\" has an '@' after its host but no "
        "user info before it, which is ambiguous: if a password holds a '/', '?' or '#', "
        "percent-encode them in it (%2F, %3F, %23) as in http://user:pa%2Fss@host/; if the path "
        "or query holds an '@', write it as %40");
  CHECK(message_for_url("http://bob:8080/S3CRET@host/").find("S3CRET") == std::string::npos);
  CHECK(message_for_url("http://bob:p?S3CRET@host/").find("S3CRET") == std::string::npos);
  CHECK(message_for_url("http://bob:s3:cret@h:99999/").find("cret") == std::string::npos);
}

TEST_CASE("a url that is not a single value is rejected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t:\n    url: [http://a]\n");
  CHECK(error.line() == 3);
  CHECK(error.column() == 10);
  CHECK_THAT(message_of(error), Contains("expected a URL (http:// or https://), got a list"));
}

TEST_CASE("a timeout that is not a number is rejected naming the value", "[config][errors]") {
  const std::string bad = GENERATE(as<std::string>{}, "abc", "10s", "1e", "nan", "'.inf'");
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    timeout: " + bad + "\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 14);
  CHECK(error.field() == "urls.t.timeout");
  CHECK_THAT(message_of(error), Contains("is not a number of seconds"));
}

TEST_CASE("a timeout out of range is rejected with the limits", "[config][errors]") {
  const std::string bad = GENERATE(as<std::string>{}, "0", "-1", "3600.5");
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    timeout: " + bad + "\n");
  CHECK(error.line() == 4);
  CHECK_THAT(message_of(error), Contains("\"" + bad +
                                         "\" is out of range: expected a number of seconds greater "
                                         "than 0 (at most 3600)"));
}

TEST_CASE("a timeout given as a map says a number was expected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    timeout: {s: 1}\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 14);
  CHECK_THAT(message_of(error), Contains("expected a number of seconds, got a map"));
}

TEST_CASE("an empty value is reported at its key", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    timeout:\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 5);
  CHECK_THAT(message_of(error), Contains("expected a number of seconds, got nothing (null)"));
}

TEST_CASE("an empty urls map is rejected", "[config][errors]") {
  const ConfigError error = error_for("urls: {}\n");
  CHECK(error.line() == 1);
  CHECK(error.column() == 7);
  CHECK(error.field() == "urls");
  CHECK(message_of(error) == "sitter.yaml:1:7: urls: has no targets: expected at least one");
}

TEST_CASE("a document without usable urls is rejected", "[config][errors]") {
  CHECK(message_of(error_for("")) ==
        R"(sitter.yaml: the file is empty: expected a map with a "urls" key)");
  CHECK(error_for("# only a comment\n").line() == 0);
  CHECK(message_of(error_for("~\n")) ==
        R"(sitter.yaml:1:1: the document is empty: expected a map with a "urls" key)");
  CHECK_THAT(message_of(error_for("- a\n")),
             Contains("expected a map with a \"urls\" key, got a list"));
  CHECK(message_of(error_for("{}\n")) ==
        R"(sitter.yaml:1:1: urls: missing required key "urls" (the map of targets to probe))");
  CHECK_THAT(message_of(error_for("urls:\n")),
             Contains("urls: expected a map of target names to their settings, got nothing"));
  CHECK_THAT(message_of(error_for("urls: [a]\n")), Contains("got a list"));
}

TEST_CASE("a second YAML document is rejected as PyYAML's safe_load did", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  a: {url: http://a}\n---\nurls: {}\n");
  CHECK(error.line() == 4);
  CHECK_THAT(message_of(error), Contains("second YAML document"));
}

TEST_CASE("a second document without a marker is rejected too", "[config][errors]") {
  // yaml-cpp reads on after an indented or a flow map: the one-pass load must not hide that.
  for (const char* text :
       {"  urls:\n    a: {url: http://a}\nurls: {}\n", "{urls: {a: {url: http://a}}} x\n"}) {
    CHECK_THAT(message_of(error_for(text)), Contains("second YAML document"));
  }
  const ConfigError crlf = error_for("urls:\r\n  a: {url: http://a}\r\n---\r\nurls: {}\r\n");
  CHECK(crlf.line() == 4);
  CHECK_THAT(message_of(crlf), Contains("second YAML document"));
  // A leading marker is one document, as before.
  CHECK(parse("---\nurls:\n  a: {url: http://a}\n").targets.size() == 1);
}

// Found by fuzz/fuzz_config: yaml-cpp's LoadAll never returned on these and used up all memory.
TEST_CASE("a stray comma at the top level is an error, not an endless document stream",
          "[config][errors]") {
  for (const char* text : {",", ",rls:\n  x: 1\n", ",a:\n  b: c\n"}) {
    const ConfigError error = error_for(text);
    CHECK(error.line() == 1);
    CHECK(error.column() == 1);
    CHECK_THAT(message_of(error), Contains("invalid YAML: unexpected \",\""));
  }
}

TEST_CASE("duplicate target names are rejected naming both lines", "[config][errors]") {
  const ConfigError error = error_for(R"(urls:
  svc:
    url: http://a
  other:
    url: http://b
  svc:
    url: http://c
)");
  CHECK(error.line() == 6);
  CHECK(error.column() == 3);
  CHECK(error.field() == "urls.svc");
  CHECK(message_of(error) ==
        "sitter.yaml:6:3: urls.svc: "
        R"(duplicate target name "svc": first at line 2, again at line 6)");
}

TEST_CASE("a field given twice in one target is rejected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    url: http://b\n");
  CHECK(error.line() == 4);
  CHECK(error.field() == "urls.t.url");
  CHECK_THAT(message_of(error), Contains(R"(duplicate field "url": first at line 3)"));
}

TEST_CASE("a target name must be a non-empty single value", "[config][errors]") {
  CHECK_THAT(message_of(error_for("urls:\n  \"\":\n    url: http://a\n")),
             Contains("sitter.yaml:2:3: urls: a target name cannot be empty"));
  CHECK_THAT(message_of(error_for("urls:\n  [a]:\n    url: http://a\n")),
             Contains("a target name must be a plain value, not a list"));
}

TEST_CASE("a target that is not a map of fields is rejected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t: http://a\n");
  CHECK(error.line() == 2);
  CHECK(error.column() == 6);
  CHECK(error.field() == "urls.t");
  CHECK_THAT(message_of(error), Contains("expected a map of fields"));
}

TEST_CASE("an unsupported method is rejected with the valid ones listed", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    url: http://a\n    method: fetch\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 13);
  CHECK(error.field() == "urls.svc.method");
  CHECK_THAT(message_of(error),
             Contains(R"("fetch" is not a supported method; expected one of GET, )"
                      "POST, PUT, PATCH, DELETE, HEAD, OPTIONS"));
}

TEST_CASE("auth_pass without auth_user is rejected without showing the password",
          "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc:\n    url: http://a\n    auth_pass: hunter2\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 5);
  CHECK(error.field() == "urls.svc.auth_pass");
  CHECK_THAT(message_of(error), Contains("auth_pass is set but auth_user is not"));
  CHECK(message_of(error).find("hunter2") == std::string::npos);
}

TEST_CASE("an auth_pass of the wrong shape is rejected without showing it", "[config][errors]") {
  const ConfigError error =
      error_for("urls:\n  t:\n    url: http://a\n    auth_user: u\n    auth_pass: [hunter2]\n");
  CHECK(error.line() == 5);
  CHECK(error.field() == "urls.t.auth_pass");
  CHECK(message_of(error).find("hunter2") == std::string::npos);
}

TEST_CASE("a header value with a line break is rejected without showing it", "[config][errors]") {
  const ConfigError error = error_for(
      "urls:\n  svc:\n    url: http://a\n    headers: {X-Token: \"abc\\r\\nX-Evil: 1\"}\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 24);
  CHECK(error.field() == "urls.svc.headers.X-Token");
  CHECK_THAT(message_of(error), Contains("contains a line break or NUL"));
  CHECK(message_of(error).find("abc") == std::string::npos);
}

TEST_CASE("header names must be HTTP tokens and unique ignoring case", "[config][errors]") {
  const ConfigError bad_name =
      error_for("urls:\n  t:\n    url: http://a\n    headers: {\"X Y\": 1}\n");
  CHECK(bad_name.line() == 4);
  CHECK(bad_name.field() == "urls.t.headers.X Y");
  CHECK_THAT(message_of(bad_name), Contains(R"("X Y" is not a valid header name)"));

  const ConfigError repeated =
      error_for("urls:\n  t:\n    url: http://a\n    headers: {X-A: 1, x-a: 2}\n");
  CHECK(repeated.line() == 4);
  CHECK(repeated.column() == 23);
  CHECK_THAT(message_of(repeated), Contains(R"(header "x-a" repeats "X-A")"));
}

TEST_CASE("headers must be a map of single values", "[config][errors]") {
  CHECK_THAT(
      message_of(error_for("urls:\n  t:\n    url: http://a\n    headers: [a]\n")),
      Contains("sitter.yaml:4:14: urls.t.headers: expected a map of header names to values"));
  CHECK_THAT(message_of(error_for("urls:\n  t:\n    url: http://a\n    headers: {X-A: [1]}\n")),
             Contains("sitter.yaml:4:20: urls.t.headers.X-A: expected a header value"));
}

TEST_CASE("values that must be single values say what was expected", "[config][errors]") {
  const ConfigError error = error_for("urls:\n  t:\n    url: http://a\n    namespace: {a: 1}\n");
  CHECK(error.line() == 4);
  CHECK(error.column() == 16);
  CHECK(error.field() == "urls.t.namespace");
  CHECK_THAT(message_of(error), Contains("expected a namespace name, got a map"));
}

TEST_CASE("a HEAD request with a payload is rejected", "[config][errors]") {
  const ConfigError error =
      error_for("urls:\n  t:\n    url: http://a\n    method: head\n    payload: {a: 1}\n");
  CHECK(error.line() == 5);
  CHECK(error.column() == 14);
  CHECK(error.field() == "urls.t.payload");
  CHECK_THAT(message_of(error), Contains("a HEAD request cannot send a body"));
}

TEST_CASE("json values JSON cannot carry are rejected at their position", "[config][errors]") {
  const auto payload_error = [](const std::string& payload) {
    return error_for("urls:\n  t:\n    url: http://a\n    payload: " + payload + "\n");
  };
  const auto json_error = [](const std::string& json) {
    return error_for("urls:\n  t:\n    url: http://a\n    json: " + json + "\n");
  };
  const ConfigError infinite = json_error("{x: .inf}");
  CHECK(infinite.field() == "urls.t.json.x");
  CHECK(infinite.column() == 15);
  CHECK_THAT(message_of(infinite), Contains("JSON has no .inf or .nan"));
  CHECK_THAT(message_of(json_error("[123456789012345678901234]")),
             Contains("urls.t.json[0]: integer does not fit in 64 bits"));
  CHECK_THAT(message_of(payload_error("{x: !custom 1}")), Contains(R"(unsupported tag "!custom")"));
  CHECK_THAT(message_of(payload_error("{x: 1, x: 2}")), Contains(R"(duplicate key "x")"));
}

TEST_CASE("an alias that contains itself is rejected instead of recursing forever",
          "[config][errors]") {
  CHECK(message_of(error_for("urls:\n  t:\n    url: http://a\n    json: &p [*p]\n")) ==
        "sitter.yaml:4:15: urls.t.json[0]: the config has an alias (*name) inside the node "
        "it refers to: it would expand without end");
  CHECK(message_of(error_for("urls:\n  t: &t\n    <<: *t\n    url: http://a\n")) ==
        "sitter.yaml:3:9: urls.t.<<: the config has an alias (*name) inside the node it refers "
        "to: it would expand without end");
}

TEST_CASE("invalid YAML syntax is reported with yaml-cpp's position and message",
          "[config][errors]") {
  const ConfigError error = error_for("urls:\n  svc: [unclosed\n");
  CHECK(error.line() == 3);
  CHECK(error.column() == 1);
  CHECK(error.field().empty());
  CHECK(message_of(error) == "sitter.yaml:3:1: invalid YAML: end of sequence flow not found");

  const ConfigError indentation = error_for("urls:\n  svc:\n    url: http://a\n   bad: indent\n");
  CHECK(indentation.line() == 4);
  CHECK_THAT(message_of(indentation), Contains("invalid YAML: "));
}

// --- Files
// ---------------------------------------------------------------------------------------------

TEST_CASE("load_config_file reads and parses a file, naming it in errors", "[config][file]") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("epsitter_test_config_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out{path};
    out << kSeedSample;
  }
  CHECK(load_config_file(path.string()).targets.size() == 3);
  {
    std::ofstream out{path};
    out << "urls:\n  t:\n    url: http://a\n    tiemout: 1\n";
  }
  try {
    load_config_file(path.string());
    FAIL("the misspelt field was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.file() == path.string());
    CHECK_THAT(message_of(error), Contains(path.string() + ":4:5: urls.t.tiemout: "));
  }
  std::filesystem::remove(path);
}

// A reload parses the whole file again and hands the supervisor what it parsed: an unchanged target
// keeps running only because parsing the same text gives an equal target.
TEST_CASE("the same text parses to equal targets, field by field", "[config][file]") {
  const std::string text =
      "defaults:\n  timeout: 4\n  headers: {x-team: sre}\n"
      "urls:\n"
      "  web:\n    namespace: shop\n    url: http://127.0.0.1:1/\n\n"
      "  api:\n    url: http://u:p@127.0.0.1:2/api\n    method: post\n    payload: {a: 1}\n"
      "    expect_status: [200, 201]\n    labels: {team: core}\n"
      "  # a comment that belongs to api's lines\n"
      "  note:\n    url: http://127.0.0.1:3/\n    payload: |\n      line one\n\n"
      "  json: {url: 'http://127.0.0.1:4/', json: {b: [1, 2.5, null]}, expect_body: ok}\n"
      "request_duration_buckets: [0.1, 1]\n";
  const Config first = parse_config(text, "sitter.yaml");
  const Config again = parse_config(text, "sitter.yaml");
  REQUIRE(first.targets.size() == 4);
  CHECK(again.targets == first.targets);
  CHECK(parse_config(kSeedSample, "sitter.yaml").targets ==
        parse_config(kSeedSample, "sitter.yaml").targets);
}

TEST_CASE("parsing the same text again reads ${VAR} and secret files again", "[config][file]") {
  // What the text reads outside itself may have changed since the last parse: a reload must see it.
  const testing::TempDirectory dir;
  dir.write("pass", "old");
  std::string token = "one";
  const EnvLookup env = [&token](const char* name) {
    return std::string{name} == "TOKEN" ? token.c_str() : nullptr;
  };
  const std::string path =
      dir.write("sitter.yaml",
                "urls:\n  a:\n    url: http://127.0.0.1:1/\n    headers: {x-token: \"${TOKEN}\"}\n"
                "  b:\n    url: http://127.0.0.1:2/\n    auth_user: u\n    auth_pass_file: pass\n"
                "  c:\n    url: http://127.0.0.1:3/\n");
  const Config first = load_config_file(path, env);
  token = "two";
  dir.write("pass", "new");
  const Config again = load_config_file(path, env);
  REQUIRE(again.targets.size() == 3);
  CHECK(again.targets[0].headers == Headers{{"x-token", "two"}});
  CHECK(again.targets[1].extras->auth_pass == std::optional<std::string>{"new"});
  CHECK(again.targets[0] != first.targets[0]);
  CHECK(again.targets[1] != first.targets[1]);
  CHECK(again.targets[2] == first.targets[2]);
}

TEST_CASE("a file that cannot be read is a ConfigError without a position", "[config][file]") {
  const std::string path = "/nonexistent/epsitter/sitter.yaml";
  try {
    load_config_file(path);
    FAIL("a missing file was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.line() == 0);
    CHECK(error.column() == 0);
    CHECK(error.field().empty());
    CHECK(message_of(error) == path + ": cannot read file: No such file or directory");
  }
}

TEST_CASE("a directory is not a config file", "[config][file]") {
  const std::string path = std::filesystem::temp_directory_path().string();
  CHECK_THROWS_MATCHES(
      load_config_file(path), ConfigError,
      Catch::Message(path + ": cannot read file: it is a directory, not a regular file"));
}

TEST_CASE("a FIFO or a device is refused as the config, at once", "[config][file]") {
  const testing::TempDirectory dir;
  const std::string fifo = (dir.path() / "sitter.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_MATCHES(
      load_config_file(fifo), ConfigError,
      Catch::Message(fifo + ": cannot read file: it is a FIFO (named pipe), not a regular file"));
  CHECK_THROWS_MATCHES(
      load_config_file("/dev/zero"), ConfigError,
      Catch::Message("/dev/zero: cannot read file: it is a character device, not a regular file"));
}

TEST_CASE("a config file longer than 16 MiB is refused before it is read", "[config][file]") {
  const testing::TempDirectory dir;
  const std::string path = dir.write("sitter.yaml", "urls:\n  a:\n    url: http://h/\n");
  std::filesystem::resize_file(path, kMaxConfigFileBytes + 1);  // sparse: costs no disk
  CHECK_THROWS_MATCHES(
      load_config_file(path), ConfigError,
      Catch::Message(path + ": cannot read file: it is larger than 16 MiB, the most allowed here"));
}

// --- Bounded expansion
// ---------------------------------------------------------------------------------------------

namespace {

// A payload whose last list holds 9^5 copies of a `leaf`-byte text, in ~`leaf` bytes of YAML.
std::string payload_bomb(std::size_t leaf) {
  std::string text = "urls:\n  bomb:\n    url: http://a\n    method: POST\n    payload:\n";
  text += "      l0: &l0 \"" + std::string(leaf, 'x') + "\"\n";
  for (int level = 1; level <= 5; ++level) {
    text += "      l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) text += (i > 0 ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("an alias bomb is a config error at the alias that passes the budget, before any copy",
          "[config][errors][budget]") {
  // 8 KiB of YAML that expanded to 413 MB of payload (1 GB of memory) before the budget.
  const ConfigError error = error_for(payload_bomb(7'600));
  CHECK(error.file() == "sitter.yaml");
  CHECK(error.line() == 10);
  CHECK(error.field() == "urls.bomb.payload.l4[1]");
  CHECK_THAT(message_of(error),
             Contains("the config grows past 16 MiB of text here once expanded"));
}

TEST_CASE("a merge-key bomb is refused instead of walking 10^12 merges", "[config][budget]") {
  std::string text = "urls:\n  t:\n    url: http://a\n    labels:\n      m0: &m0 {k: v}\n";
  for (int level = 1; level <= 12; ++level) {
    text += "      m" + std::to_string(level) + ": &m" + std::to_string(level) + " {<<: [";
    for (int i = 0; i < 10; ++i) text += (i > 0 ? ", *m" : "*m") + std::to_string(level - 1);
    text += "]}\n";
  }
  CHECK_THAT(message_of(error_for(text)), Contains("grows past 1000000 values here"));
}

TEST_CASE("a defaults field is charged once for every target that inherits it",
          "[config][budget]") {
  // 10 KiB of payload in `defaults:`, copied into 2,000 targets, is 20 MB of bodies.
  std::string text =
      "defaults:\n  method: POST\n  payload: \"" + std::string(10'240, 'x') + "\"\nurls:\n";
  for (int i = 0; i < 2'000; ++i) text += "  t" + std::to_string(i) + ": {url: http://a}\n";
  const ConfigError error = error_for(text);
  CHECK(error.field() == "urls.t1633");
  CHECK_THAT(message_of(error),
             Contains("grows past 16 MiB of text here once expanded") &&
                 Contains("it inherits defaults.payload, which is copied into every target"));
  // A target with its own payload copies none.
  std::string own = "defaults:\n  payload: \"" + std::string(10'240, 'x') + "\"\nurls:\n";
  for (int i = 0; i < 2'000; ++i) {
    own += "  t" + std::to_string(i) + ": {url: http://a, method: POST, payload: x}\n";
  }
  CHECK(parse(own).targets.size() == 2'000);
}

TEST_CASE("${VAR} cannot grow a value past the budget", "[config][budget]") {
  const std::string big(65'536, 'x');
  const EnvLookup env = [&big](const char* name) {
    return name == std::string{"BIG"} ? big.c_str() : nullptr;
  };
  std::string refs;
  for (int i = 0; i < 300; ++i) refs += "${BIG}";  // 19.7 MB from 1.8 KB
  try {
    parse_config("urls:\n  t:\n    url: http://a\n    headers: {X-Big: \"" + refs + "\"}\n",
                 "sitter.yaml", env);
    FAIL("accepted");
  } catch (const ConfigError& error) {
    CHECK(error.field() == "urls.t.headers.X-Big");
    CHECK_THAT(message_of(error), Contains("grows past what the config may hold once its ${...} "
                                           "are replaced (value not shown)"));
  }
  // Within the budget, the growth is counted.
  ExpansionBudget budget = config_expansion_budget();
  parse_config("urls:\n  t:\n    url: http://a\n    headers: {X-Big: \"${BIG}\"}\n", "sitter.yaml",
               env, budget);
  CHECK(budget.used().bytes > big.size());
}

TEST_CASE("the expanded size of a config is told in a short summary", "[config][budget]") {
  ExpansionBudget budget = config_expansion_budget();
  parse_config("urls:\n  a: {url: http://a}\n", "sitter.yaml", {}, budget);
  CHECK(budget.used().values == 7);  // the maps of the file, urls and a; three keys; one url
  CHECK(describe_expansion(budget.used()) == "expanded=" + std::to_string(budget.used().bytes) +
                                                 " bytes values=7 (at most 16 MiB and 1000000)");
}
