// Unit tests for cutting a config's text into each target's lines and the frame around them.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/target_chunks.hpp"

using namespace epsitter;

namespace {

std::vector<std::string> names_of(const TargetChunks& chunks) {
  std::vector<std::string> names;
  for (const TargetChunk& chunk : chunks.targets) names.emplace_back(chunk.name);
  return names;
}

}  // namespace

TEST_CASE("each target's lines are cut out, the rest is the frame", "[config][chunks]") {
  const std::string text =
      "# probes\n"
      "defaults:\n  timeout: 3\n"
      "urls:   # every target\n"
      "  # first the web\n"
      "\n"
      "  web:\n    url: http://a/\n    headers: {x-a: '1'}\n\n  # the api:\n"
      "  api-v2.internal:\n    url: http://b/?a=1&b=*\n    payload: |\n      text\n\n"
      "  flow: {url: http://c/}\n"
      "request_duration_buckets: [1, 2]\n";
  const auto chunks = split_target_chunks(text);
  REQUIRE(chunks.has_value());
  CHECK(names_of(*chunks) == std::vector<std::string>{"web", "api-v2.internal", "flow"});
  // Comments and blank lines after a target stay with it; those before the first one are frame.
  CHECK(chunks->targets[0].text ==
        "  web:\n    url: http://a/\n    headers: {x-a: '1'}\n\n"
        "  # the api:\n");
  CHECK(chunks->targets[1].text ==
        "  api-v2.internal:\n    url: http://b/?a=1&b=*\n"
        "    payload: |\n      text\n\n");
  CHECK(chunks->targets[2].text == "  flow: {url: http://c/}\n");
  CHECK(chunks->frame ==
        "# probes\ndefaults:\n  timeout: 3\nurls:   # every target\n  # first the web\n\n"
        "request_duration_buckets: [1, 2]\n");
}

TEST_CASE("a quoted name is the word inside the quotes", "[config][chunks]") {
  const auto chunks =
      split_target_chunks("urls:\n  \"web\":\n    url: http://a/\n  'api.v2': {url: http://b/}\n");
  REQUIRE(chunks.has_value());
  CHECK(names_of(*chunks) == std::vector<std::string>{"web", "api.v2"});
  CHECK(chunks->targets[1].text == "  'api.v2': {url: http://b/}\n");
}

TEST_CASE("line ends and a last line without one are kept as they are", "[config][chunks]") {
  const auto crlf = split_target_chunks("urls:\r\n  a:\r\n    url: http://a/\r\n  b: {}\r\n");
  REQUIRE(crlf.has_value());
  CHECK(names_of(*crlf) == std::vector<std::string>{"a", "b"});
  CHECK(crlf->targets[0].text == "  a:\r\n    url: http://a/\r\n");
  CHECK(crlf->frame == "urls:\r\n");
  const auto unterminated = split_target_chunks("urls:\n    a:\n      url: http://a/");
  REQUIRE(unterminated.has_value());
  CHECK(unterminated->targets[0].text == "    a:\n      url: http://a/");
}

TEST_CASE("layouts whose lines may not mean on their own what they mean in the file are left whole",
          "[config][chunks]") {
  const auto whole = [](const std::string& text) { return !split_target_chunks(text); };
  const std::string target = "  a:\n    url: http://a/\n";
  CHECK_FALSE(whole("urls:\n" + target));
  // An alias may name an anchor in another target or in the frame.
  CHECK(whole("x: &u http://a/\nurls:\n  a:\n    url: *u\n"));
  CHECK(whole("urls:\n" + target + "  b: {url: http://b/, headers: [*h]}\n"));
  // Tabs, a byte order mark, document markers and directives.
  CHECK(whole("urls:\n\ta:\n\t\turl: http://a/\n"));
  CHECK(whole("\xEF\xBB\xBFurls:\n" + target));
  CHECK(whole("---\nurls:\n" + target));
  CHECK(whole("urls:\n" + target + "...\n"));
  CHECK(whole("%YAML 1.1\n---\nurls:\n" + target));
  // `urls:` missing, with a value on its line, twice, or quoted.
  CHECK(whole("defaults: {}\n"));
  CHECK(whole("urls: {a: {url: http://a/}}\n"));
  CHECK(whole("urls:\n" + target + "urls:\n" + target));
  CHECK(whole("\"urls\":\n" + target));
  // No target, or a target key that is not a plain word.
  CHECK(whole("urls:\n"));
  CHECK(whole("urls:\n# none\nkubernetes: {}\n"));
  CHECK(whole("urls:\n  \"a b\":\n    url: http://a/\n"));
  CHECK(whole("urls:\n  \"a\\x41\":\n    url: http://a/\n"));
  CHECK(whole("urls:\n  'a''b':\n    url: http://a/\n"));
  CHECK(whole("urls:\n  \"a':\n    url: http://a/\n"));
  CHECK(whole("urls:\n  ? a\n  : {url: http://a/}\n"));
  CHECK(whole("urls:\n  - a\n"));
  CHECK(whole("urls:\n  {a: {url: http://a/}}\n"));
  CHECK(whole("urls:\n  -a:\n    url: http://a/\n"));
  CHECK(whole("urls:\n  a:b:\n    url: http://a/\n"));
  // Targets at different indentations, or a line between the two.
  CHECK(whole("urls:\n    a:\n      url: http://a/\n  b:\n    url: http://b/\n"));
  CHECK(whole("urls:\n    a:\n      url: http://a/\n   x\n"));
  // A name twice: parse_config names the repeated key.
  CHECK(whole("urls:\n" + target + target));
}
