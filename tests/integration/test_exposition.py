"""The /metrics page: content type, METRIC_PREFIX, escaping, promtool's lint, other paths."""

import gzip
import unittest
import urllib.request

import harness
from harness import Backend, Epsitter, refused_port, wait_until


class Exposition(unittest.TestCase):
    def test_page_passes_promtool_and_follows_metric_prefix(self):
        with Backend({"/down": (503, 0)}) as backend:
            config = harness.config_yaml({
                'odd "name" \\ here': {"namespace": "q\"a", "url": backend.url("/down")},
                "plain": {"namespace": "qa", "url": backend.url("/")},
                "refused": {"namespace": "qa", "url": f"http://127.0.0.1:{refused_port()}/"},
            })
            with Epsitter(config, env={"METRIC_PREFIX": "babysitter", "POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value("babysitter_http_error_total", name="refused") >= 1
                           and sitter.value("babysitter_http_status_code_total", name="plain") >= 1
                           and sitter.value("babysitter_http_status_code_total",
                                            name='odd "name" \\ here') >= 1,
                           message="every kind of series")
                status, headers, text = sitter.get("/metrics")
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
                for family, kind in (("babysitter_request_time", "summary"),
                                     ("babysitter_http_status_code_total", "counter"),
                                     ("babysitter_http_error_total", "counter")):
                    self.assertIn(f"# TYPE {family} {kind}\n", text)
                self.assertNotIn("sitter_request_time", text.replace("babysitter_", ""))
                self.assertNotIn("_created", text)
                self.assertIn('name="odd \\"name\\" \\\\ here"', text)
                self.assertIn('namespace="q\\"a"', text)
                harness.assert_promtool_accepts(self, text)

    def test_scrapers_that_accept_gzip_get_gzip(self):
        targets = {f"t{i}": {"url": f"http://127.0.0.1:{refused_port()}/{i}"} for i in range(200)}
        with Epsitter(harness.config_yaml(targets), env={"POLL_INTERVAL": "3600"}) as sitter:
            # With 200 targets spread over an hour, the first probe runs at start and the next is
            # 18 s away. Once the first has been counted, both scrapes below see the same probe
            # series (process metrics change between scrapes). Scraping before it is counted
            # raced it: a slow (sanitizer) build could count it between the two scrapes.
            def probes_counted():
                return sum(value for key, value in sitter.metrics().items()
                           if key[0] == "sitter_request_time_count")
            harness.wait_until(lambda: probes_counted() >= 1, message="the first probe counted")
            # Prometheus' own header; plain text for a scraper that does not ask.
            request = urllib.request.Request(
                f"http://127.0.0.1:{sitter.port}/metrics",
                headers={"Accept-Encoding": "gzip", "User-Agent": "Prometheus/2.42.0"})
            with urllib.request.urlopen(request, timeout=10) as response:
                self.assertEqual(response.headers["Content-Encoding"], "gzip")
                # The answer depends on Accept too: protobuf for a scraper that prefers it.
                self.assertEqual(response.headers["Vary"], "Accept, Accept-Encoding")
                compressed = response.read()
            status, headers, plain = sitter.get("/metrics")
            self.assertEqual(status, 200)
            self.assertIsNone(headers["Content-Encoding"])
            def probe_series(text):
                return {key: value for key, value in harness.parse_exposition(text).items()
                        if key[0].startswith("sitter_request_time")}
            self.assertEqual(probe_series(gzip.decompress(compressed).decode()), probe_series(plain))
            self.assertLess(len(compressed), len(plain) / 5)
            counts = [key for key in harness.parse_exposition(plain)
                      if key[0] == "sitter_request_time_count"]
            self.assertEqual(len(counts), 200)

    def test_thousands_of_targets_scrape_whole_gzip_and_plain_alike(self):
        # Enough targets that the exposition is rendered and compressed on two threads and joined
        # family by family, and that a plain scrape (several MB) is streamed, not held.
        n = 2500
        port = refused_port()
        targets = {f"t{i:04d}": {"namespace": "bulk", "url": f"http://127.0.0.1:{port}/{i}"}
                   for i in range(n)}
        with Epsitter(harness.config_yaml(targets), env={"POLL_INTERVAL": "3600"}) as sitter:
            request = urllib.request.Request(f"http://127.0.0.1:{sitter.port}/metrics",
                                             headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=30) as response:
                self.assertEqual(response.headers["Content-Encoding"], "gzip")
                compressed = response.read()
                self.assertEqual(int(response.headers["Content-Length"]), len(compressed))
            unzipped = gzip.decompress(compressed).decode()
            status, headers, plain = sitter.get("/metrics")
            self.assertEqual(status, 200)
            self.assertEqual(int(headers["Content-Length"]), len(plain.encode()))
            status, headers, _ = sitter.get("/metrics", method="HEAD")
            self.assertGreater(int(headers["Content-Length"]), 1_000_000)
            for text in (unzipped, plain):
                # Each family once, all its samples together: what promtool checks below, and what
                # a join of the threads' parts in the wrong order would break.
                helps = [line.split()[2] for line in text.splitlines() if line.startswith("# HELP")]
                self.assertEqual(len(helps), len(set(helps)))
                family = None
                for line in text.splitlines():
                    if line.startswith("# TYPE "):
                        family = line.split()[2]
                    elif not line.startswith("#"):
                        self.assertTrue(line.startswith(family), f"{line!r} outside {family}")
                samples = harness.parse_exposition(text)
                info = sorted(dict(labels)["name"] for (name, labels) in samples
                              if name == "sitter_target_info")
                self.assertEqual(info, sorted(targets))
                counts = [key for key in samples if key[0] == "sitter_request_time_count"]
                self.assertEqual(len(counts), n)
            # Probes run between the scrapes (every 1.4 s here) and may add series of their
            # outcome, so compare the series every configured target has, not their values.
            def configured_series(text):
                always = ("sitter_request_time_count", "sitter_request_time_sum",
                          "sitter_consecutive_failures", "sitter_request_duration_seconds_bucket",
                          "sitter_target_info")
                return {key for key in harness.parse_exposition(text) if key[0] in always}
            self.assertEqual(configured_series(unzipped), configured_series(plain))
            self.assertEqual(len(configured_series(plain)), n * (4 + 13))
            harness.assert_promtool_accepts(self, plain)

    def test_other_paths_and_methods_are_refused(self):
        config = harness.config_yaml({"x": {"url": f"http://127.0.0.1:{refused_port()}/"}})
        with Epsitter(config) as sitter:
            self.assertEqual(sitter.get("/nothing-here")[0], 404)
            self.assertEqual(sitter.get("/metrics/extra")[0], 404)
            self.assertEqual(sitter.get("/../etc/passwd")[0], 400)  # paths must arrive plain
            status, headers, _ = sitter.get("/metrics", method="POST")
            self.assertEqual(status, 405)
            self.assertEqual(headers["Allow"], "GET, HEAD")
            status, headers, body = sitter.get("/metrics", method="HEAD")
            self.assertEqual((status, body), (200, ""))


if __name__ == "__main__":
    harness.main()
