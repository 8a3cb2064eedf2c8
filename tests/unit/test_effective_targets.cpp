// Unit tests for the merge and shard step: file targets win name clashes (reported), counts per
// source, and N shards together hold every target exactly once.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "targets/effective_targets.hpp"

using namespace epsitter;

namespace {

SharedTarget make(const std::string& name, const std::string& source, const std::string& url = "") {
  Target target;
  target.labels.name = name;
  target.labels.url = url.empty() ? "http://" + name + "/" : url;
  target.url = target.labels.url;
  target.source = source;
  return std::make_shared<const Target>(std::move(target));
}

std::vector<std::string> names(const std::vector<SharedTarget>& targets) {
  std::vector<std::string> out;
  for (const auto& target : targets) out.push_back(target->labels.name);
  return out;
}

}  // namespace

TEST_CASE("one shard: the file's targets in file order, then the discovered ones by name",
          "[effective]") {
  const EffectiveTargets effective =
      effective_targets({make("zeta", "file"), make("alpha", "file")},
                        {make("shop/web", "service"), make("bar/api", "service"),
                         make("shop/web/shop.example.com/", "ingress")},
                        Shard{});
  CHECK(names(effective.targets) == std::vector<std::string>{"zeta", "alpha", "bar/api", "shop/web",
                                                             "shop/web/shop.example.com/"});
  CHECK(effective.hidden.empty());
  CHECK(effective.by_source ==
        std::map<std::string, std::size_t>{{"file", 2}, {"ingress", 1}, {"service", 2}});
}

TEST_CASE("targets pass through as the same objects, not copies", "[effective]") {
  const std::vector<SharedTarget> file{make("a", "file")};
  const SharedTarget web = make("shop/web", "service");
  const EffectiveTargets effective = effective_targets(file, {web}, Shard{});
  REQUIRE(effective.targets.size() == 2);
  CHECK(effective.targets[0] == file[0]);
  CHECK(effective.targets[1] == web);
}

TEST_CASE("a file target wins a name clash with a discovered one, which is reported",
          "[effective]") {
  const EffectiveTargets effective = effective_targets(
      {make("shop/web", "file", "http://static/")},
      {make("shop/web", "service", "http://web.shop.svc:80/"), make("shop/api", "service")},
      Shard{});
  REQUIRE(effective.targets.size() == 2);
  CHECK(effective.targets[0]->url == "http://static/");
  CHECK(effective.targets[0]->source == "file");
  CHECK(effective.hidden == std::vector<std::string>{"shop/web"});
  CHECK(effective.by_source.at("file") == 1);
  CHECK(effective.by_source.at("service") == 1);
}

TEST_CASE("N shards together hold every target exactly once", "[effective]") {
  std::vector<SharedTarget> file;
  std::vector<SharedTarget> discovered;
  for (int i = 0; i < 300; ++i) file.push_back(make("t" + std::to_string(i), "file"));
  for (int i = 0; i < 200; ++i) {
    discovered.push_back(make("ns/svc" + std::to_string(i), "service"));
  }
  for (const int count : {1, 2, 3, 4, 5}) {
    std::multiset<std::string> seen;
    for (int index = 0; index < count; ++index) {
      const EffectiveTargets shard = effective_targets(file, discovered, Shard{index, count});
      for (const auto& name : names(shard.targets)) seen.insert(name);
      CHECK(shard.by_source.at("file") == 300);  // counts are before sharding
      CHECK(shard.by_source.at("service") == 200);
      // Each holds about its share.
      CHECK(shard.targets.size() > 500.0 / count * 0.75);
      CHECK(shard.targets.size() < 500.0 / count * 1.25);
    }
    CHECK(seen.size() == 500);
    for (const auto& target : file) CHECK(seen.count(target->labels.name) == 1);
    for (const auto& target : discovered) CHECK(seen.count(target->labels.name) == 1);
  }
}

TEST_CASE("from 3 to 4 shards about a quarter of the targets move, all to the new shard",
          "[effective]") {
  std::vector<SharedTarget> file;
  for (int i = 0; i < 2000; ++i) file.push_back(make("target-" + std::to_string(i), "file"));
  std::map<std::string, int> before;
  for (int index = 0; index < 3; ++index) {
    for (const auto& name : names(effective_targets(file, {}, Shard{index, 3}).targets)) {
      before[name] = index;
    }
  }
  int moved = 0;
  for (int index = 0; index < 4; ++index) {
    for (const auto& name : names(effective_targets(file, {}, Shard{index, 4}).targets)) {
      if (before.at(name) == index) continue;
      ++moved;
      CHECK(index == 3);
    }
  }
  CHECK(moved > 2000 / 4 * 0.85);
  CHECK(moved < 2000 / 4 * 1.15);
}
