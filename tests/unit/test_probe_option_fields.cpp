// Unit tests for the options of issue 23 part two: compression, expect_headers_absent,
// expect_http_version, expect_tls, tls_min_version, tls_max_version, http2 and payload_file.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config/referenced_files.hpp"
#include "config_text.hpp"
#include "probe/protocol_options.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using Catch::Contains;
using namespace epsitter::testing;

TEST_CASE("compression is read in any case and checked against what libcurl decodes", "[config]") {
  CHECK_FALSE(target_with("    method: get\n").extras->expect.compression);
  CHECK(target_with("    compression: GZip\n").extras->expect.compression == "gzip");
  CHECK(target_with("    compression: deflate\n").extras->expect.compression == "deflate");
  CHECK(target_with("    compression: identity\n").extras->expect.compression == "identity");
  // Debian's libcurl is built with brotli; a libcurl without it is refused at load instead.
  if (curl_decodes("br")) {
    CHECK(target_with("    compression: br\n").extras->expect.compression == "br");
  } else {
    CHECK_THAT(message_of(field_error("    compression: br\n")),
               Contains("cannot be decoded: this libcurl was built without it"));
  }
  const ConfigError bad = field_error("    compression: zstd\n");
  CHECK(bad.field() == "urls.t.compression");
  CHECK(bad.line() == 4);
  CHECK_THAT(message_of(bad),
             Contains(R"("zstd" is not a content coding: expected gzip, br, deflate or identity)"));
}

TEST_CASE("this libcurl decodes gzip, deflate and brotli", "[probe]") {
  CHECK(curl_decodes("gzip"));
  CHECK(curl_decodes("deflate"));
  CHECK(curl_decodes("identity"));
  CHECK(curl_decodes("br"));  // Debian bookworm's libcurl4 links libbrotli
  CHECK_FALSE(curl_decodes("compress"));
}

TEST_CASE("expect_headers_absent is a map of header names to patterns", "[config]") {
  const Target target = target_with("    expect_headers_absent: {X-Debug: '.', server: nginx}\n");
  const auto& absent = target.extras->expect.headers_absent;
  REQUIRE(absent.size() == 2);
  CHECK(absent[0].name == "X-Debug");
  CHECK(absent[1].pattern.text == "nginx");
  CHECK(target.extras->expect.needs_headers());
  CHECK_THAT(message_of(field_error("    expect_headers_absent: [a]\n")),
             Contains("expected a map of header names to regular expressions"));
  const ConfigError bad = field_error("    expect_headers_absent: {X-A: '(open'}\n");
  CHECK(bad.field() == "urls.t.expect_headers_absent.X-A");
  CHECK_THAT(message_of(bad), Contains("is not a valid regular expression"));
}

TEST_CASE("expect_http_version takes one version or a list, in either spelling", "[config]") {
  CHECK(target_with("    expect_http_version: \"1.1\"\n").extras->expect.http_versions ==
        std::vector<double>{1.1});
  CHECK(target_with("    expect_http_version: 2\n").extras->expect.http_versions ==
        std::vector<double>{2});
  CHECK(target_with("    expect_http_version: [HTTP/1.0, HTTP/1.1, HTTP/2.0, \"2.0\", 3]\n")
            .extras->expect.http_versions == std::vector<double>{1.0, 1.1, 2, 2, 3});
  const ConfigError bad = field_error("    expect_http_version: [1.1, \"1.2\"]\n");
  CHECK(bad.field() == "urls.t.expect_http_version[1]");
  CHECK_THAT(message_of(bad), Contains(R"("1.2" is not an HTTP version: expected 1.0, 1.1, 2)"));
  CHECK_THAT(message_of(field_error("    expect_http_version: []\n")),
             Contains("expected an HTTP version or a non-empty list of them"));
}

TEST_CASE("expect_tls is a flag", "[config]") {
  CHECK_FALSE(target_with("    method: get\n").extras->expect.tls);
  CHECK(target_with("    expect_tls: true\n").extras->expect.tls == true);
  CHECK(target_with("    expect_tls: false\n").extras->expect.tls == false);
  CHECK(field_error("    expect_tls: maybe\n").field() == "urls.t.expect_tls");
}

TEST_CASE("tls_min_version and tls_max_version are TLS 1.0 to 1.3, min not above max", "[config]") {
  const Target target = target_with("    tls_min_version: 1.2\n    tls_max_version: \"TLS13\"\n");
  CHECK(target.extras->tls_min_version == 2);
  CHECK(target.extras->tls_max_version == 3);
  CHECK(target_with("    tls_min_version: \"1.0\"\n").extras->tls_min_version == 0);
  CHECK_FALSE(target_with("    tls_min_version: 1.3\n").extras->tls_max_version);
  const ConfigError order = field_error("    tls_min_version: 1.3\n    tls_max_version: 1.2\n");
  CHECK(order.field() == "urls.t.tls_min_version");
  CHECK(order.line() == 4);
  CHECK_THAT(message_of(order), Contains("tls_min_version (1.3) is above tls_max_version (1.2)"));
  const ConfigError bad = field_error("    tls_max_version: 1.4\n");
  CHECK(bad.field() == "urls.t.tls_max_version");
  CHECK_THAT(message_of(bad),
             Contains(R"("1.4" is not a TLS version: expected 1.0, 1.1, 1.2 or 1.3)"));
  CHECK_THAT(message_of(field_error("    tls_min_version: SSLv3\n")),
             Contains("is not a TLS version"));
}

TEST_CASE("the TLS versions and http2 map onto libcurl's options", "[probe]") {
  CHECK(ssl_version_option(std::nullopt, std::nullopt) == CURL_SSLVERSION_DEFAULT);
  CHECK(ssl_version_option(3, std::nullopt) == CURL_SSLVERSION_TLSv1_3);
  CHECK(ssl_version_option(2, 2) == (CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2));
  CHECK(ssl_version_option(0, 3) == (CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_3));
  CHECK(ssl_version_option(std::nullopt, 1) ==
        (CURL_SSLVERSION_DEFAULT | CURL_SSLVERSION_MAX_TLSv1_1));
  CHECK(http_version_option(true) == CURL_HTTP_VERSION_2TLS);
  CHECK(http_version_option(false) == CURL_HTTP_VERSION_1_1);
}

TEST_CASE("http2 is on unless set to false", "[config]") {
  CHECK(target_with("    method: get\n").extras->http2);
  CHECK_FALSE(target_with("    http2: false\n").extras->http2);
  CHECK(field_error("    http2: sometimes\n").field() == "urls.t.http2");
}

TEST_CASE("payload_file sends a file's bytes, is watched, and excludes payload and json",
          "[config]") {
  const testing::TempDirectory dir;
  const std::string path = dir.write("body.xml", "<ping>\n  ok\n</ping>\n");
  const Config config =
      parse("urls:\n  t:\n    url: http://h/\n    method: post\n    payload_file: " + path + "\n");
  const Target& target = config.targets.front();
  CHECK(target.body == "<ping>\n  ok\n</ping>\n");  // as it is, trailing line break too
  CHECK(target.headers.empty());                    // no Content-Type of its own
  const std::vector<ReferencedFile> files = referenced_files(config);
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == path);
  CHECK(files[0].loaded_hash);

  // Read again on every load: a changed file makes a different target.
  dir.write("body.xml", "<ping>changed</ping>");
  const Config reloaded =
      parse("urls:\n  t:\n    url: http://h/\n    method: post\n    payload_file: " + path + "\n");
  CHECK(reloaded.targets.front().body == "<ping>changed</ping>");
  CHECK(reloaded.targets.front() != target);

  for (const std::string other : {"payload", "json"}) {
    // Wherever it is written, the error is payload_file's.
    const ConfigError both =
        field_error("    payload_file: " + path + "\n    " + other + ": {a: 1}\n");
    CHECK(both.field() == "urls.t.payload_file");
    CHECK(both.line() == 4);
    CHECK_THAT(message_of(both),
               Contains("set either payload_file (a file's bytes) or " + other + ", not both"));
    const ConfigError after =
        field_error("    " + other + ": {a: 1}\n    payload_file: " + path + "\n");
    CHECK(after.field() == "urls.t.payload_file");
  }
  const ConfigError missing = field_error("    payload_file: " + path + ".missing\n");
  CHECK(missing.field() == "urls.t.payload_file");
  CHECK_THAT(message_of(missing), Contains("cannot read file"));
  const std::string big = dir.write("big", std::string((1 << 20) + 1, 'x'));
  CHECK_THAT(message_of(field_error("    payload_file: " + big + "\n")),
             Contains("cannot read file"));
  CHECK_THAT(message_of(field_error("    method: head\n    payload_file: " + path + "\n")),
             Contains("a HEAD request cannot send a body"));
}
