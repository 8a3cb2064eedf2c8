// Unit tests for the status page's HTML: escaping, order, what each row says, self-containment.
#include <catch2/catch.hpp>

#include "status/status_page.hpp"
#include "status_samples.hpp"

using namespace epsitter;
using namespace epsitter::samples;
using std::chrono::seconds;

namespace {

const ProbeResult ok = answer(200, 0.012);
const ProbeResult refused = no_answer(ProbeError::connection_refused, 0.0004);
const ProbeResult unavailable = answer(503, 0.02);

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("names, namespaces and URLs with markup characters are escaped") {
  StatsByTarget stats;
  const TargetLabels hostile{R"(<script>alert("n")</script>&'x')", R"(ns"><b>&)", "GET",
                             R"(http://h/?a=<i>&b="q"&c='s')"};
  probe(stats, hostile, ok, t0);
  const std::string page = render_status_page(make_status_snapshot(stats), t0 + seconds(5));

  CHECK(page.find("<script>alert") == std::string::npos);
  CHECK(page.find("<b>&") == std::string::npos);
  CHECK(page.find("<i>") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(&quot;n&quot;)&lt;/script&gt;&amp;&#39;x&#39;") !=
        std::string::npos);
  CHECK(page.find("ns&quot;&gt;&lt;b&gt;&amp;") != std::string::npos);
  CHECK(page.find("GET http://h/?a=&lt;i&gt;&amp;b=&quot;q&quot;&amp;c=&#39;s&#39;") !=
        std::string::npos);
  // The page's own script is the only one.
  CHECK(count(page, "<script") == 1);
}

TEST_CASE("the shard line appears under the summary when given, escaped") {
  StatsByTarget stats;
  probe(stats, TargetLabels{"web", "shop", "GET", "http://web/"}, ok, t0);
  const StatusSnapshot snapshot = make_status_snapshot(stats);
  CHECK(render_status_page(snapshot, t0).find("id=\"shard\"") == std::string::npos);
  const std::string page =
      render_status_page(snapshot, t0, "lease group g: a member, 2 live members: a, <b>");
  CHECK(page.find("<p id=\"shard\">lease group g: a member, 2 live members: a, &lt;b&gt;</p>") !=
        std::string::npos);
  CHECK(page.find("id=\"sum\"") < page.find("id=\"shard\""));
}

TEST_CASE("the down target comes first with its reason, the up one after it") {
  StatsByTarget stats;
  const TargetLabels up{"api", "prod", "GET", "http://127.0.0.1:1/"};
  const TargetLabels down{"db", "prod", "GET", "http://127.0.0.1:2/"};
  const TargetLabels bad{"web", "qa", "POST", "http://127.0.0.1:3/"};
  probe(stats, up, ok, t0);
  probe(stats, down, ok, t0);
  probe(stats, down, refused, t0 + seconds(30));
  probe(stats, bad, unavailable, t0 + seconds(40));
  const std::string page = render_status_page(make_status_snapshot(stats), t0 + seconds(100));

  const auto db = page.find(R"(<span class="n">db</span>)");
  const auto web = page.find(R"(<span class="n">web</span>)");
  const auto api = page.find(R"(<span class="n">api</span>)");
  REQUIRE(db != std::string::npos);
  REQUIRE(web != std::string::npos);
  REQUIRE(api != std::string::npos);
  CHECK(db < api);   // same namespace: down first
  CHECK(api < web);  // prod holds a down target and sorts before qa
  CHECK(page.find(R"(<tr class="t down"><td><b class="s">down</b><td><span class="n">db)") !=
        std::string::npos);
  const std::string db_row = page.substr(db, page.find("</tr>", db) - db);
  CHECK(db_row.find(R"(<td class="r">connection refused<td class="x">0.4 ms)") !=
        std::string::npos);
  CHECK(db_row.find("1m 40s ago") != std::string::npos);  // the last success, at t0
  CHECK(db_row.find(">1m 10s<") != std::string::npos);    // down since t0 + 30 s
  CHECK(db_row.find(R"(<td class="x">50%)") != std::string::npos);
  CHECK(page.find("HTTP 503") != std::string::npos);
  CHECK(page.find("<title>2 down · epsitter</title>") != std::string::npos);
  CHECK(page.find(R"(<span class="cd">2 down</span> · <span class="cu">1 up</span> of 3)") !=
        std::string::npos);
  CHECK(page.find(R"(prod<small>1 down · 1 up</small>)") != std::string::npos);
  CHECK(page.find("updated <time datetime=\"2025-11-25T05:55:00.000Z\">05:55:00 UTC</time>") !=
        std::string::npos);
}

TEST_CASE("certificate days left are shown, in warning colours when close or past") {
  StatsByTarget stats;
  const auto with_cert = [](std::int64_t days_left) {
    ProbeResult result = answer(200);
    result.cert = epsitter::CertFacts{};
    result.cert->chain_not_after = 1'764'050'000 + days_left * 86400;
    return result;
  };
  probe(stats, TargetLabels{"far", "ns", "GET", "https://127.0.0.1:1/"}, with_cert(90), t0);
  probe(stats, TargetLabels{"near", "ns", "GET", "https://127.0.0.1:2/"}, with_cert(5), t0);
  probe(stats, TargetLabels{"past", "ns", "GET", "https://127.0.0.1:3/"}, with_cert(-1), t0);
  probe(stats, TargetLabels{"plain", "ns", "GET", "http://127.0.0.1:4/"}, answer(200), t0);
  const std::string page = render_status_page(make_status_snapshot(stats), t0);
  CHECK(page.find(R"(<td class="x" title="2026-02-23T05:53:20.000Z">90 d)") != std::string::npos);
  CHECK(page.find(R"(<td class="x cw" title="2025-11-30T05:53:20.000Z">5 d)") != std::string::npos);
  CHECK(page.find(R"(<td class="x ce" title="2025-11-24T05:53:20.000Z">expired)") !=
        std::string::npos);
  const auto plain = page.find(R"(<span class="n">plain</span>)");
  REQUIRE(plain != std::string::npos);
  CHECK(page.find("<td class=\"x\">100%<td class=\"x\">–<td>", plain) != std::string::npos);
}

TEST_CASE("the leaf's subject, issuer and days left are in the certificate cell's tooltip") {
  StatsByTarget stats;
  ProbeResult result = answer(200);
  result.cert = epsitter::CertFacts{};
  result.cert->chain_not_after = 1'764'050'000 + 5 * 86400;
  result.cert->leaf_not_after = 1'764'050'000 + 90 * 86400;
  result.cert->subject = "CN=<leaf>";
  result.cert->issuer = "CN=\"CA\"";
  probe(stats, TargetLabels{"api", "ns", "GET", "https://127.0.0.1:1/"}, result, t0);
  const std::string page = render_status_page(make_status_snapshot(stats), t0);
  CHECK(
      page.find(
          R"x(<td class="x cw" title="2025-11-30T05:53:20.000Z; leaf CN=&lt;leaf&gt; )x"
          R"x(issued by CN=&quot;CA&quot;; leaf expires 2026-02-23T05:53:20.000Z (90 d)">5 d)x") !=
      std::string::npos);
}

TEST_CASE("a target not probed yet is pending and says so") {
  StatsByTarget stats;
  stats[TargetLabels{"fresh", "ns", "GET", "http://127.0.0.1:1/"}];
  const std::string page = render_status_page(make_status_snapshot(stats), t0);
  CHECK(page.find(R"(<tr class="t pending"><td><b class="s">pending</b>)") != std::string::npos);
  CHECK(page.find("waiting for the first probe") != std::string::npos);
  CHECK(page.find("<title>1 pending · epsitter</title>") != std::string::npos);
  CHECK(page.find("<svg") == std::string::npos);
}

TEST_CASE("the page is self-contained: nothing is loaded from elsewhere") {
  StatsByTarget stats;
  probe(stats, TargetLabels{"a", "ns", "GET", "https://example.com/x"}, ok, t0);
  const std::string page = render_status_page(make_status_snapshot(stats), t0);
  CHECK(page.rfind("<!doctype html>", 0) == 0);
  CHECK(page.find("<title>all 1 up · epsitter</title>") != std::string::npos);
  // No src= or stylesheet links at all; the only href= are the data: icon and the relative API.
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find("rel=\"stylesheet\"") == std::string::npos);
  std::vector<std::string> targets;
  const std::string href = "href=\"";
  for (auto at = page.find(href); at != std::string::npos; at = page.find(href, at + 1)) {
    const auto start = at + href.size();
    targets.push_back(page.substr(start, page.find('"', start) - start));
  }
  CHECK(targets == std::vector<std::string>{"data:,", "api/v1/targets"});
  CHECK(page.find("<svg class=\"sp\"") != std::string::npos);
  CHECK(page.size() < 20000);
}

TEST_CASE("a thousand targets with full histories stay around a kilobyte each") {
  StatsByTarget stats;
  for (int i = 0; i < 1000; ++i) {
    const TargetLabels target{"target-" + std::to_string(i), "ns-" + std::to_string(i % 20), "GET",
                              "http://service-" + std::to_string(i) + ".ns.svc:8080/healthz"};
    for (int p = 0; p < 120; ++p) {
      probe(stats, target, p % 17 == 0 ? refused : ok, t0 + seconds(p * 30));
    }
  }
  const std::string page = render_status_page(make_status_snapshot(stats), t0 + seconds(3600));
  CHECK(count(page, "<tr class=\"t ") == 1000);
  CHECK(count(page, "<tbody>") == 20);
  CHECK(page.size() < 1500 * 1000);
}

TEST_CASE("a discovered target is marked with its source; a file target is not") {
  StatsByTarget stats;
  stats[TargetLabels{"static", "ns", "GET", "http://h/"}];
  stats[TargetLabels{"shop/web", "shop", "GET", "http://web.shop.svc:80/"}].source = "ingress";
  const std::string page = render_status_page(make_status_snapshot(stats), t0);
  CHECK(page.find(R"(<span class="n">shop/web</span><span class="src">ingress</span>)") !=
        std::string::npos);
  CHECK(page.find(R"(<span class="n">static</span><span class="u">)") != std::string::npos);
  CHECK(count(page, R"(<span class="src">)") == 1);
}
