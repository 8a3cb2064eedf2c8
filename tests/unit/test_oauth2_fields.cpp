// Unit tests for the oauth2: option: what it reads, what it refuses (with file, line and field),
// and that the client secret never shows in a message.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_loader.hpp"
#include "config/referenced_files.hpp"
#include "config/target_schema.hpp"
#include "config_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using Catch::Contains;
using namespace epsitter::testing;

namespace {

const std::string kBlock =
    "    oauth2:\n"
    "      token_url: https://idp.example/token?tenant=a\n"
    "      client_id: probe\n"
    "      client_secret: S3CRET-xyz\n";

void check_secret_not_shown(const ConfigError& error) {
  CHECK(message_of(error).find("S3CRET") == std::string::npos);
}

}  // namespace

TEST_CASE("oauth2 reads the token url, client, scopes and sorted endpoint params", "[oauth2]") {
  const Target target = target_with(kBlock +
                                    "      scopes: [read, \"write:all\"]\n"
                                    "      endpoint_params: {resource: api, audience: x}\n");
  REQUIRE(target.extras->oauth2);
  const OAuth2Settings& settings = *target.extras->oauth2;
  CHECK(settings.token_url == "https://idp.example/token?tenant=a");
  CHECK(settings.client_id == "probe");
  CHECK(settings.client_secret == "S3CRET-xyz");
  CHECK(settings.scopes == std::vector<std::string>{"read", "write:all"});
  CHECK(settings.params ==
        std::vector<std::pair<std::string, std::string>>{{"audience", "x"}, {"resource", "api"}});
  CHECK_FALSE(target.extras->bearer_token);
  // `params` is the same field under its shorter name.
  CHECK(target_with(kBlock + "      params: {audience: x}\n").extras->oauth2->params.size() == 1);
}

TEST_CASE("client_secret_file is read, its newline dropped, and watched for rotation", "[oauth2]") {
  const epsitter::testing::TempDirectory dir;
  const std::string path = dir.write("client-secret", "from-file\n");
  const Config config = parse(
      "urls:\n  t:\n    url: http://h/\n    oauth2:\n      token_url: http://idp/t\n"
      "      client_id: c\n      client_secret_file: " +
      path + "\n");
  CHECK(config.targets.front().extras->oauth2->client_secret == "from-file");
  const std::vector<ReferencedFile> files = referenced_files(config);
  REQUIRE(files.size() == 1);
  CHECK(files.front().path == path);
  CHECK(files.front().loaded_hash);
}

TEST_CASE("a bad oauth2 block is an error naming the file, line and field, never the secret",
          "[oauth2]") {
  SECTION("not a map") {
    const ConfigError error = field_error("    oauth2: yes\n");
    CHECK(error.field() == "urls.t.oauth2");
    CHECK(error.line() == 4);
    CHECK_THAT(message_of(error), Contains("expected a map"));
  }
  SECTION("an unknown field, with a suggestion") {
    const ConfigError error = field_error(kBlock + "      scope: [a]\n");
    CHECK(error.field() == "urls.t.oauth2.scope");
    CHECK(error.line() == 8);
    CHECK_THAT(message_of(error), Contains("did you mean \"scopes\""));
    check_secret_not_shown(error);
  }
  SECTION("a missing token_url") {
    const ConfigError error =
        field_error("    oauth2:\n      client_id: c\n      client_secret: S3CRET-xyz\n");
    CHECK(error.field() == "urls.t.oauth2");
    CHECK_THAT(message_of(error), Contains("token_url is required"));
    check_secret_not_shown(error);
  }
  SECTION("a missing secret") {
    const ConfigError error =
        field_error("    oauth2:\n      token_url: http://idp/t\n      client_id: c\n");
    CHECK_THAT(message_of(error), Contains("client_secret or client_secret_file is required"));
  }
  SECTION("both spellings of the secret") {
    const ConfigError error = field_error(kBlock + "      client_secret_file: /etc/hostname\n");
    CHECK(error.field() == "urls.t.oauth2.client_secret_file");
    CHECK_THAT(message_of(error), Contains("not both"));
    check_secret_not_shown(error);
  }
  SECTION("a token url that is not http(s)") {
    const ConfigError error = field_error(
        "    oauth2:\n      token_url: ftp://idp/t\n      client_id: c\n"
        "      client_secret: S3CRET-xyz\n");
    CHECK(error.field() == "urls.t.oauth2.token_url");
    CHECK(error.line() == 5);
    check_secret_not_shown(error);
  }
  SECTION("credentials in the token url, not quoted") {
    const ConfigError error = field_error(
        "    oauth2:\n      token_url: https://u:PASSWD@idp/t\n      client_id: c\n"
        "      client_secret: S3CRET-xyz\n");
    CHECK(error.field() == "urls.t.oauth2.token_url");
    CHECK_THAT(message_of(error), Contains("credentials"));
    CHECK(message_of(error).find("PASSWD") == std::string::npos);
  }
  SECTION("a scope with a space") {
    const ConfigError error = field_error(kBlock + "      scopes: [\"a b\"]\n");
    CHECK(error.field() == "urls.t.oauth2.scopes[0]");
  }
  SECTION("a reserved endpoint param") {
    const ConfigError error = field_error(kBlock + "      endpoint_params: {grant_type: x}\n");
    CHECK(error.field() == "urls.t.oauth2.endpoint_params.grant_type");
  }
}

TEST_CASE("oauth2 is not combined with other credentials; the error names the fields", "[oauth2]") {
  for (const std::string& other :
       {std::string{"    auth_user: me\n"}, std::string{"    bearer_token: tok\n"},
        std::string{"    headers: {authorization: x}\n"}}) {
    INFO(other);
    const ConfigError error = field_error(other + kBlock);
    CHECK(error.field() == "urls.t.oauth2");
    CHECK_THAT(message_of(error), Contains("cannot be set together with"));
    check_secret_not_shown(error);
  }
  const ConfigError in_url =
      epsitter::testing::error_for("urls:\n  t:\n    url: http://u:p@h/\n" + kBlock);
  CHECK_THAT(message_of(in_url), Contains("credentials in url"));
}

TEST_CASE("oauth2 cannot come from an annotation", "[oauth2]") {
  const TargetField* field = find_target_field("oauth2");
  REQUIRE(field != nullptr);
  CHECK(field->annotation == FromAnnotation::never);
  CHECK_FALSE(field->discovered_inherit);
}
