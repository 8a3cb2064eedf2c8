// Unit tests for TargetSources: file and discovered targets merged on every change of either,
// discovery started, kept and restarted with the kubernetes block, bad objects counted once.
#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "log/logger.hpp"
#include "reload/target_sources.hpp"

using namespace epsitter;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const EnvLookup kNoEnv{};

Config config_of(const std::string& yaml) {
  return parse_config(yaml, "sitter.yaml", kNoEnv);
}

const std::string kDiscovering = "kubernetes: {api_url: 'http://127.0.0.1:1'}\n";

DiscoveredObject service(const std::string& name, const std::string& extra_annotation = "",
                         const std::string& value = "") {
  json annotations = {{"epsitter.io/probe", "true"}};
  if (!extra_annotation.empty()) annotations["epsitter.io/" + extra_annotation] = value;
  json object = {
      {"metadata", {{"name", name}, {"namespace", "shop"}, {"annotations", annotations}}},
      {"spec", {{"ports", json::array({{{"port", 80}}})}, {"selector", {{"app", name}}}}}};
  return {ObjectKind::service, "shop/" + name, std::make_shared<const json>(std::move(object))};
}

// Records every applied target set; discovery is a handle whose life the test can watch.
struct Fixture {
  std::shared_ptr<spdlog::logger> log = make_stderr_logger(LogLevel::critical);
  DiscoveryStats stats;
  std::vector<std::vector<SharedTarget>> applied;
  std::vector<SourceCounts> counts_while_applying;  // what a scrape during the apply would show
  bool fail_next_apply = false;
  int started = 0;
  TargetSources::Publish publish;
  std::weak_ptr<void> discovery;
  Shard shard;
  std::unique_ptr<TargetSources> sources;

  explicit Fixture(Shard with_shard = {}) : shard(with_shard) {
    sources = std::make_unique<TargetSources>(
        [this](TargetSet set) {
          counts_while_applying.push_back(sources->counts());
          if (fail_next_apply) {
            fail_next_apply = false;
            throw std::runtime_error("the supervisor did not answer");
          }
          applied.push_back(set.targets);
          return std::string("applied");
        },
        [this](const KubernetesConfig&, TargetSources::Publish on_change) {
          ++started;
          publish = std::move(on_change);
          auto handle = std::make_shared<int>(0);
          discovery = handle;
          return std::shared_ptr<void>{handle};
        },
        shard, stats, *log);
  }

  std::map<std::string, Target> last() const {
    std::map<std::string, Target> by_name;
    for (const auto& target : applied.back()) by_name[target->labels.name] = *target;
    return by_name;
  }
};

}  // namespace

TEST_CASE("without a kubernetes block only the file's targets run, and no discovery starts",
          "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of("urls:\n  a: {url: 'http://a/'}\n"));
  CHECK(f.started == 0);
  REQUIRE(f.applied.size() == 1);
  CHECK(f.last().count("a") == 1);
  CHECK(f.sources->counts().by_source.at("file") == 1);
  CHECK(f.sources->counts().shard_targets == 1);
}

TEST_CASE("a target the new file leaves unchanged is handed over as the same object", "[sources]") {
  Fixture f;
  f.sources->apply_config(
      config_of(kDiscovering + "urls:\n  a: {url: 'http://a/'}\n  b: {url: 'http://b/'}\n"));
  f.publish({service("web")});
  REQUIRE(f.applied.size() == 2);
  const std::vector<SharedTarget> before = f.applied.back();
  REQUIRE(before.size() == 3);
  f.sources->apply_config(
      config_of(kDiscovering + "urls:\n  a: {url: 'http://a/'}\n  b: {url: 'http://b2/'}\n"));
  REQUIRE(f.applied.size() == 3);
  const std::vector<SharedTarget>& after = f.applied.back();
  REQUIRE(after.size() == 3);
  CHECK(after[0] == before[0]);  // a: unchanged, so the supervisor keeps it on a pointer compare
  CHECK(after[1] != before[1]);  // b: changed
  CHECK(after[1]->url == "http://b2/");
  CHECK(after[2] == before[2]);  // the discovered one: its object did not change either
}

TEST_CASE("discovered objects join the file's targets; the file wins a clash", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of(
      kDiscovering + "urls:\n  a: {url: 'http://a/'}\n  shop/web: {url: 'http://mine/'}\n"));
  REQUIRE(f.started == 1);
  f.publish({service("web"), service("api", "path", "/health")});
  REQUIRE(f.applied.size() == 2);
  const auto targets = f.last();
  CHECK(targets.size() == 3);
  CHECK(targets.at("shop/web").url == "http://mine/");
  CHECK(targets.at("shop/api").url == "http://api.shop.svc:80/health");
  CHECK(targets.at("shop/api").source == "service");
  const SourceCounts counts = f.sources->counts();
  CHECK(counts.by_source.at("file") == 2);
  CHECK(counts.by_source.at("service") == 1);
  // Counted before the targets start, so that no scrape shows a probe series it does not count.
  CHECK(f.counts_while_applying.back().by_source.at("service") == 1);

  // A deleted Service goes; the file's targets stay.
  f.publish({service("web")});
  CHECK(f.last().size() == 2);
  CHECK(f.last().count("shop/api") == 0);
}

TEST_CASE("a reload keeps discovery running unless the kubernetes block changes", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of(kDiscovering));
  f.publish({service("web")});
  f.sources->apply_config(config_of(kDiscovering + "urls:\n  a: {url: 'http://a/'}\n"));
  CHECK(f.started == 1);
  CHECK(f.last().count("shop/web") == 1);  // still there after the file changed

  f.sources->apply_config(
      config_of("kubernetes: {api_url: 'http://127.0.0.1:2'}\nurls:\n  a: {url: 'http://a/'}\n"));
  CHECK(f.started == 2);
  CHECK(f.last().count("shop/web") == 0);  // the old cluster view went with the old block

  const std::weak_ptr<void> running = f.discovery;
  f.sources->apply_config(config_of("urls:\n  a: {url: 'http://a/'}\n"));
  CHECK(running.expired());  // no block: discovery stopped
  CHECK(f.started == 2);
}

TEST_CASE("a change of the file's defaults reaches discovered targets", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of(kDiscovering + "defaults: {interval: 20}\n"));
  f.publish({service("web"), service("api", "interval", "5")});
  CHECK(f.last().at("shop/web").interval == 20s);
  CHECK(f.last().at("shop/api").interval == 5s);
  f.sources->apply_config(config_of(kDiscovering + "defaults: {interval: 40}\n"));
  CHECK(f.last().at("shop/web").interval == 40s);
  CHECK(f.last().at("shop/api").interval == 5s);
}

TEST_CASE("a bad object is skipped and counted once, not on every change", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of(kDiscovering));
  const DiscoveredObject bad = service("bad", "interval", "soon");
  f.publish({bad, service("good")});
  CHECK(f.last().size() == 1);
  CHECK(f.stats.object_errors == 1);
  f.publish({bad, service("good"), service("other")});
  CHECK(f.last().size() == 2);
  CHECK(f.stats.object_errors == 1);
}

TEST_CASE("a shard applies only its share, and counts all", "[sources]") {
  std::size_t held = 0;
  for (int index = 0; index < 3; ++index) {
    Fixture f{Shard{index, 3}};
    std::string yaml = kDiscovering + "urls:\n";
    for (int i = 0; i < 30; ++i) yaml += "  t" + std::to_string(i) + ": {url: 'http://h/'}\n";
    f.sources->apply_config(config_of(yaml));
    f.publish({service("a"), service("b"), service("c")});
    held += f.last().size();
    CHECK(f.sources->counts().shard_targets == f.last().size());
    CHECK(f.sources->counts().by_source.at("file") == 30);
    CHECK(f.sources->counts().by_source.at("service") == 3);
  }
  CHECK(held == 33);
}

TEST_CASE("a config the supervisor could not apply is not kept", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of(kDiscovering + "urls:\n  a: {url: 'http://a/'}\n"));
  f.fail_next_apply = true;
  CHECK_THROWS_AS(
      f.sources->apply_config(config_of(kDiscovering + "urls:\n  b: {url: 'http://b/'}\n")),
      std::runtime_error);
  f.publish({service("web")});  // the next change applies the config that runs: a's
  CHECK(f.last().count("a") == 1);
  CHECK(f.last().count("b") == 0);
  CHECK(f.last().count("shop/web") == 1);
}

TEST_CASE("the counts of a config the supervisor could not apply are taken back", "[sources]") {
  Fixture f;
  f.sources->apply_config(config_of("urls:\n  a: {url: 'http://a/'}\n  c: {url: 'http://c/'}\n"));
  f.fail_next_apply = true;
  CHECK_THROWS_AS(f.sources->apply_config(config_of("urls:\n  b: {url: 'http://b/'}\n")),
                  std::runtime_error);
  CHECK(f.counts_while_applying.back().by_source.at("file") == 1);  // b, while it was tried
  CHECK(f.sources->counts().by_source.at("file") == 2);             // a and c, which still run
  CHECK(f.sources->counts().shard_targets == 2);
}
