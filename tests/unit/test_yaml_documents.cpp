// Unit tests for loading a config's one YAML document: parsed once when it is plainly the only one,
// counted first otherwise.
#include <catch2/catch.hpp>
#include <string>

#include "config/yaml_documents.hpp"

using namespace epsitter;

TEST_CASE("a block map at column 0 without document markers is loaded in one pass",
          "[config][yaml]") {
  const auto document =
      load_sole_block_map("# probes\nurls:\n  a:\n    url: http://a  # not --- here\n  b: {}\n");
  REQUIRE(document.has_value());
  CHECK((*document)["urls"]["a"]["url"].as<std::string>() == "http://a");
  CHECK(load_sole_block_map("urls:\n  a: \"---\"\n  b: |\n    ...\n").has_value());
  CHECK(load_sole_block_map("urls:\r\n  a: {url: http://a}\r\n").has_value());
}

TEST_CASE("texts that may hold a second document are left to be counted", "[config][yaml]") {
  // Document markers, at any line start, after a byte order mark, with any line ending.
  CHECK_FALSE(load_sole_block_map("---\nurls: {}\n").has_value());
  CHECK_FALSE(load_sole_block_map("urls: {}\n---\nurls: {}\n").has_value());
  CHECK_FALSE(load_sole_block_map("urls: {}\r\n...\r\n").has_value());
  CHECK_FALSE(load_sole_block_map("\xef\xbb\xbf---\nurls: {}\n").has_value());
  // yaml-cpp reads what follows a flow map or an indented one as a second document.
  CHECK_FALSE(load_sole_block_map("{urls: {}} x\n").has_value());
  CHECK_FALSE(load_sole_block_map("  urls: {}\nmore: 1\n").has_value());
  // Not a map, or not YAML: the counting path reports these.
  CHECK_FALSE(load_sole_block_map("- a\n").has_value());
  CHECK_FALSE(load_sole_block_map("").has_value());
  CHECK_FALSE(load_sole_block_map(",").has_value());
  CHECK_FALSE(load_sole_block_map("urls: [1\n").has_value());
}
