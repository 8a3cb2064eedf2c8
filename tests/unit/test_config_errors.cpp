// Unit tests for the config loader's errors: each names file, line, column, field and what was
// expected, and never shows a secret.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config_text.hpp"

using namespace epsitter;
using namespace epsitter::testing;
using namespace std::chrono_literals;
using Catch::Contains;

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
