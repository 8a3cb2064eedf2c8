// Unit tests for the watch protocol as data: event lines, Status codes, resource versions, and a
// byte stream cut into lines however it arrives.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "discovery/watch_event.hpp"

using namespace epsitter;

TEST_CASE("watch event lines of every type are parsed", "[watch]") {
  WatchEvent event;
  std::string problem;
  REQUIRE(parse_watch_event(
      R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"12"}}})", event,
      problem));
  CHECK(event.type == WatchEvent::Type::modified);
  CHECK(resource_version_of(event.object) == "12");
  REQUIRE(parse_watch_event(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"40"}}})",
                            event, problem));
  CHECK(event.type == WatchEvent::Type::bookmark);
  REQUIRE(parse_watch_event(
      R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})", event,
      problem));
  CHECK(event.type == WatchEvent::Type::error);
  CHECK(status_code_of(event.object) == 410);
  REQUIRE(parse_watch_event(R"({"type":"DELETED","object":{}})", event, problem));
  CHECK(event.type == WatchEvent::Type::deleted);
}

TEST_CASE("anything else is not an event, and says why", "[watch]") {
  WatchEvent event;
  std::string problem;
  CHECK_FALSE(parse_watch_event("{not json", event, problem));
  CHECK(problem == "a watch event that is not a JSON object");
  CHECK_FALSE(parse_watch_event(R"({"type":"ADDED"})", event, problem));
  CHECK(problem == "a watch event without a type or an object");
  CHECK_FALSE(parse_watch_event(R"({"type":"RENAMED","object":{}})", event, problem));
  CHECK(problem == "a watch event of unknown type \"RENAMED\"");
  CHECK(resource_version_of(nlohmann::json::array()).empty());
  CHECK(status_code_of(nlohmann::json{{"code", "410"}}) == 0);
}

TEST_CASE("a stream is cut into lines whatever the chunk boundaries", "[watch]") {
  const std::string stream = "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}\n{\"partial\":";
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    LineSplitter splitter{1024};
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      REQUIRE(splitter.feed(std::string_view{stream}.substr(at, chunk), [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
      }));
    }
    CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
  }
}

TEST_CASE("a reader can end the stream, and an endless line is refused", "[watch]") {
  LineSplitter splitter{1024};
  int seen = 0;
  CHECK_FALSE(splitter.feed("a\nb\nc\n", [&](std::string_view) { return ++seen < 2; }));
  CHECK(seen == 2);
  CHECK_FALSE(splitter.overflowed());

  LineSplitter small{8};
  CHECK(small.feed("12345", [](std::string_view) { return true; }));
  CHECK_FALSE(small.feed("6789", [](std::string_view) { return true; }));
  CHECK(small.overflowed());
}
