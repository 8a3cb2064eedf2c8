// Unit tests for the exposition /metrics serves: its plain and gzip bodies hold the same text, the
// text render_exposition gives followed by epsitter's own families, and one exposition is shared
// by concurrent scrapes without change.
#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <type_traits>
#include <vector>

#include "exposition_samples.hpp"
#include "metrics/exposition.hpp"
#include "metrics/render.hpp"

using namespace epsitter;
using namespace epsitter::testing;

namespace {

const std::vector<double> kBounds{0.005, 0.1, 1};
const std::string kOwn =
    "# HELP sitter_own A family of epsitter's own.\n"
    "# TYPE sitter_own gauge\n"
    "sitter_own 1.0\n";

}  // namespace

TEST_CASE("plain and gzip bodies hold the rendered targets, then the own families") {
  const std::size_t targets =
      GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{40}, std::size_t{2500});
  const std::size_t threads = GENERATE(std::size_t{1}, std::size_t{2});
  const std::string own = GENERATE(std::string{}, kOwn);
  CAPTURE(targets, threads, own.size());
  const StatsByTarget stats = probed_targets(targets, kBounds);
  const Exposition exposition{Exposition::render_targets("sitter", stats, kBounds, threads), own};
  const std::string plain = received(exposition.plain());
  CHECK(plain == render_exposition("sitter", stats, kBounds) + own);
  CHECK(gunzip(received(exposition.gzip())) == plain);
}

TEST_CASE("the exposition of a fixed set of targets is today's text, compressed well") {
  const StatsByTarget stats = probed_targets(3, kBounds);
  const Exposition exposition{Exposition::render_targets("sitter", stats, kBounds, 2), kOwn};
  const std::string plain = received(exposition.plain());
  // A few lines, as test_render states them, and where they stand.
  CHECK(plain.rfind("# HELP sitter_request_time Time taken by each probe request, in seconds.\n"
                    "# TYPE sitter_request_time summary\n"
                    "sitter_request_time_count{name=\"t0\",namespace=\"prod\",method=\"GET\","
                    "url=\"http://127.0.0.1:1/x\"} 1.0\n",
                    0) == 0);
  CHECK(plain.find("sitter_http_status_code_total{name=\"t0\",namespace=\"prod\",method=\"GET\","
                   "url=\"http://127.0.0.1:1/x\",status=\"503\"} 1.0\n") != std::string::npos);
  CHECK(plain.size() > kOwn.size());
  CHECK(plain.compare(plain.size() - kOwn.size(), kOwn.size(), kOwn) == 0);

  const StatsByTarget many = probed_targets(2500, kBounds);
  const Exposition big{Exposition::render_targets("sitter", many, kBounds, 2), kOwn};
  CHECK(big.gzip().size() < big.plain().size() / 10);
}

TEST_CASE("an exposition is shared and immutable: its bodies read the same every time") {
  static_assert(std::is_same_v<ExpositionPtr, std::shared_ptr<const Exposition>>);
  static_assert(!std::is_copy_constructible_v<Exposition>, "shared, not copied");
  static_assert(!std::is_copy_assignable_v<Exposition>);
  const StatsByTarget stats = probed_targets(2500, kBounds);
  const Exposition::TargetFamiliesPtr targets =
      Exposition::render_targets("sitter", stats, kBounds, 2);
  const ExpositionPtr first = std::make_shared<const Exposition>(targets, kOwn);
  const ExpositionPtr second = std::make_shared<const Exposition>(targets, "other 1.0\n");
  CHECK(targets.use_count() == 3);  // both share the targets' rendering: it is not copied

  const std::string plain = received(first->plain());
  const std::string gzip = received(first->gzip());
  // Scrapes on several threads at once, as CivetWeb's workers serve them.
  std::vector<std::future<std::pair<std::string, std::string>>> scrapes;
  for (int i = 0; i < 4; ++i) {
    scrapes.push_back(std::async(std::launch::async, [first] {
      return std::make_pair(received(first->plain()), received(first->gzip()));
    }));
  }
  for (auto& scrape : scrapes) {
    const auto [again_plain, again_gzip] = scrape.get();
    CHECK(again_plain == plain);
    CHECK(again_gzip == gzip);
  }
  const std::string text = render_exposition("sitter", stats, kBounds);
  CHECK(plain == text + kOwn);
  CHECK(received(second->plain()) == text + "other 1.0\n");
  CHECK(gunzip(received(second->gzip())) == text + "other 1.0\n");
}

TEST_CASE("a client that goes away stops the body") {
  const StatsByTarget stats = probed_targets(2500, kBounds);
  const Exposition exposition{Exposition::render_targets("sitter", stats, kBounds, 2), kOwn};
  for (const Exposition::Body& body : {exposition.plain(), exposition.gzip()}) {
    std::size_t pieces = 0;
    CHECK_FALSE(body.write([&pieces](std::string_view) { return ++pieces < 2; }));
    CHECK(pieces == 2);
  }
}
