// Unit tests for the mirror of one resource: lists replace, events add, change and delete, only
// annotated objects are kept, and only real changes count.
#include <catch2/catch.hpp>
#include <string>

#include "discovery/resource_mirror.hpp"

using namespace epsitter;
using nlohmann::json;

namespace {

json object(const std::string& name, const std::string& version, bool annotated = true,
            const std::string& path = "/") {
  json metadata = {{"name", name}, {"namespace", "shop"}, {"resourceVersion", version}};
  if (annotated) {
    metadata["annotations"] = {{"epsitter.io/probe", "true"}, {"epsitter.io/path", path}};
  }
  return {{"metadata", metadata}, {"spec", {{"ports", json::array({{{"port", 80}}})}}}};
}

WatchEvent event(WatchEvent::Type type, json object) {
  WatchEvent made;
  made.type = type;
  made.object = std::move(object);
  return made;
}

std::vector<std::string> keys(const ResourceMirror& mirror) {
  std::vector<std::string> out;
  for (const auto& [key, value] : mirror.objects()) out.push_back(key);
  return out;
}

}  // namespace

TEST_CASE("a list keeps only the annotated objects and its resource version", "[mirror]") {
  ResourceMirror mirror{ObjectKind::service};
  Listing listing;
  listing.add_items(ObjectKind::service,
                    json::array({object("a", "1"), object("b", "2", false),
                                 json{{"metadata", {{"namespace", "shop"}}}}}));
  listing.add_items(ObjectKind::service, json::array({object("c", "3")}));
  CHECK(listing.items == 4);
  CHECK(listing.malformed == 1);
  CHECK(mirror.replace(std::move(listing), "100"));
  CHECK(keys(mirror) == std::vector<std::string>{"shop/a", "shop/c"});
  CHECK(mirror.resource_version() == "100");

  Listing same;
  same.add_items(ObjectKind::service, json::array({object("a", "5"), object("c", "6")}));
  CHECK_FALSE(mirror.replace(std::move(same), "200"));  // new versions, same content
  CHECK(mirror.resource_version() == "200");
}

TEST_CASE("watch events add, change and delete; others change nothing", "[mirror]") {
  ResourceMirror mirror{ObjectKind::service};
  std::string problem;
  CHECK(mirror.apply(event(WatchEvent::Type::added, object("a", "11")), problem));
  CHECK(mirror.resource_version() == "11");
  CHECK_FALSE(mirror.apply(event(WatchEvent::Type::added, object("b", "12", false)), problem));
  CHECK_FALSE(mirror.apply(event(WatchEvent::Type::modified, object("a", "13")), problem));
  CHECK(mirror.apply(event(WatchEvent::Type::modified, object("a", "14", true, "/v2")), problem));
  CHECK(mirror.objects().at("shop/a")->at("metadata").at("annotations").at("epsitter.io/path") ==
        "/v2");
  // Annotation removed: the object is no longer kept.
  CHECK(mirror.apply(event(WatchEvent::Type::modified, object("a", "15", false)), problem));
  CHECK(mirror.objects().empty());
  CHECK(mirror.apply(event(WatchEvent::Type::added, object("c", "16")), problem));
  CHECK(mirror.apply(event(WatchEvent::Type::deleted, object("c", "17")), problem));
  CHECK_FALSE(mirror.apply(event(WatchEvent::Type::deleted, object("c", "18")), problem));
  CHECK_FALSE(mirror.apply(
      event(WatchEvent::Type::bookmark, json{{"metadata", {{"resourceVersion", "99"}}}}), problem));
  CHECK(mirror.resource_version() == "99");
  CHECK(problem.empty());
}

TEST_CASE("an event for a malformed object is skipped with a reason", "[mirror]") {
  ResourceMirror mirror{ObjectKind::ingress};
  std::string problem;
  CHECK_FALSE(
      mirror.apply(event(WatchEvent::Type::added, json{{"metadata", {{"name", "x"}}}}), problem));
  CHECK(problem == "Ingress without metadata.name or metadata.namespace");
  CHECK(mirror.objects().empty());
}

TEST_CASE("the mirror hands out its objects with their kind", "[mirror]") {
  ResourceMirror mirror{ObjectKind::ingress};
  std::string problem;
  mirror.apply(event(WatchEvent::Type::added, object("a", "1")), problem);
  DiscoveredObjects objects;
  mirror.append_to(objects);
  REQUIRE(objects.size() == 1);
  CHECK(objects[0].kind == ObjectKind::ingress);
  CHECK(objects[0].key == "shop/a");
}
