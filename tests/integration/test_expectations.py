"""Expectations decide success, each failing with its own reason; redirects, body_limit,
max_body_size, proxy, keepalive, ip_version and a per-target interval, all against real loopback
servers."""

import json
import unittest

import harness
from harness import Epsitter, wait_until
from scripted import Reply, ScriptedServer, Stream, redirect

HEALTH = json.dumps({"status": "UP", "checks": [{"state": "ok"}], "count": 3})
JSON = {"Content-Type": "application/json"}
BIG = b"a" * 100_000 + b"MARKER"


def routes():
    return {
        "/health": Reply(200, HEALTH, JSON),
        "/html": Reply(200, "<html>internal error page</html>", {"Content-Type": "text/html"}),
        "/teapot": Reply(418, "short and stout"),
        "/slow": Reply(200, "late", delay=0.5),
        "/r1": redirect("/r2"),
        "/r2": redirect("/r3", status=301),
        "/r3": redirect("/final", status=307),
        "/final": Reply(200, "arrived"),
        "/big": Reply(200, BIG),
    }


# name -> (fields, expected reason or None for success)
CASES = {
    "status_listed": ({"path": "/teapot", "expect_status": "[418]"}, None),
    "status_default_2xx": ({"path": "/teapot"}, "status"),
    "body_matches": ({"path": "/health", "expect_body": '"status": *"UP"'}, None),
    "body_missing": ({"path": "/health", "expect_body": "DOWN"}, "body"),
    "body_absent_found": ({"path": "/html", "expect_body_absent": "(?i)error"}, "body"),
    "header_matches": ({"path": "/health",
                        "expect_headers": {"content-type": "^application/json$"}}, None),
    "header_differs": ({"path": "/html", "expect_headers": {"Content-Type": "json"}}, "header"),
    "header_absent": ({"path": "/html", "expect_headers": {"X-Version": "."}}, "header"),
    "json_matches": ({"path": "/health", "expect_json": "{status: UP, checks.0.state: ok, count: 3}"},
                     None),
    "json_differs": ({"path": "/health", "expect_json": "{checks.0.state: down}"}, "json"),
    "json_not_json": ({"path": "/html", "expect_json": "{status: UP}"}, "json"),
    "slow": ({"path": "/slow", "max_response_time": 0.1}, "slow"),
    "fast_enough": ({"path": "/health", "max_response_time": 20}, None),
    "redirected": ({"path": "/r1"}, None),
    "not_followed": ({"path": "/r1", "follow_redirects": "false"}, "status"),
    "cut_at_limit": ({"path": "/big", "body_limit": 1000, "expect_body": "MARKER"}, "body"),
    # Read in 4 KiB pieces (epsitter's receive buffer) to its last bytes.
    "big_body_read_whole": ({"path": "/big", "expect_body": "MARKER$"}, None),
    "within_max_body_size": ({"path": "/big", "max_body_size": len(BIG),
                              "expect_body": "MARKER$"}, None),
    "over_max_body_size": ({"path": "/big", "max_body_size": 1000}, "body_too_large"),
}


def case_config(server):
    lines = ["urls:"]
    for name, (fields, _) in CASES.items():
        lines.append(f"  {name}:")
        lines.append(f"    url: {harness.yaml_quote(server.url(fields['path']))}")
        lines.append("    labels: {team: sre, case: " + harness.yaml_quote(name) + "}")
        for key, value in fields.items():
            if key == "path":
                continue
            if isinstance(value, dict):
                inner = ", ".join(f"{harness.yaml_quote(k)}: {harness.yaml_quote(v)}"
                                  for k, v in value.items())
                lines.append(f"    {key}: {{{inner}}}")
            elif isinstance(value, str) and not value.startswith(("[", "{")) and key != "follow_redirects":
                lines.append(f"    {key}: {harness.yaml_quote(value)}")
            else:
                lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


class Expectations(unittest.TestCase):
    def test_every_expectation_passes_or_fails_with_its_reason(self):
        with ScriptedServer(routes()) as server:
            with Epsitter(case_config(server), env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: all(sitter.value("sitter_request_time_count", name=name) >= 2
                                       for name in CASES), timeout=30,
                           message="two probes of every case")
                for name, (_, reason) in CASES.items():
                    with self.subTest(case=name):
                        success = sitter.value("sitter_probe_success", name=name)
                        if reason is None:
                            self.assertEqual(success, 1)
                            self.assertEqual(sitter.value("sitter_consecutive_failures",
                                                          name=name), 0)
                        else:
                            self.assertEqual(success, 0)
                            self.assertGreaterEqual(sitter.value(
                                "sitter_probe_failures_total", name=name, reason=reason), 2)
                            self.assertGreaterEqual(sitter.value("sitter_consecutive_failures",
                                                                 name=name), 2)
                            self.assertIn(f'target="{name}" namespace="Unknown" reason={reason}',
                                          sitter.log())
                        failures = [labels for (metric, labels) in sitter.metrics()
                                    if metric == "sitter_probe_failures_total"
                                    and dict(labels)["name"] == name]
                        self.assertEqual(len(failures), 0 if reason is None else 1)
                        self.assertEqual(sitter.value("sitter_target_info", name=name,
                                                      team="sre", case=name), 1)

                self.assertEqual(sitter.value("sitter_redirects", name="redirected"), 3)
                self.assertEqual(sitter.value("sitter_last_status_code", name="redirected"), 200)
                self.assertEqual(len(server.seen("/final")) >= 1, True)
                self.assertEqual(sitter.value("sitter_redirects", name="not_followed"), 0)
                self.assertEqual(sitter.value("sitter_last_status_code", name="not_followed"), 302)
                self.assertEqual(sitter.value("sitter_response_size_bytes", name="cut_at_limit"),
                                 1000)
                self.assertEqual(sitter.value("sitter_response_size_bytes",
                                              name="big_body_read_whole"), len(BIG))
                self.assertEqual(sitter.value("sitter_response_size_bytes",
                                              name="over_max_body_size"), 1000)
                self.assertEqual(sitter.value("sitter_last_status_code",
                                              name="over_max_body_size"), 200)
                self.assertEqual(sitter.value("sitter_http_version", name="status_listed"), 1.1)
                self.assertGreater(sitter.value("sitter_last_probe_timestamp_seconds",
                                                name="slow"), 1.6e9)
                self.assertGreaterEqual(sitter.value("sitter_request_duration_seconds_bucket",
                                                     name="slow", le="+Inf"), 2)
                self.assertEqual(sitter.value("sitter_request_duration_seconds_bucket",
                                              name="slow", le="0.1"), 0)
                for phase in ("dns", "connect", "tls", "ttfb", "transfer"):
                    self.assertIn(("sitter_request_phase_seconds",
                                   (("name", "slow"), ("namespace", "Unknown"), ("method", "get"),
                                    ("url", server.url("/slow")), ("phase", phase))),
                                  sitter.metrics())
                self.assertGreaterEqual(sitter.value("sitter_request_phase_seconds", name="slow",
                                                     phase="ttfb"), 0.45)
                # Never a piece of a body in the logs.
                self.assertNotIn("internal error page", sitter.log())
                self.assertNotIn("short and stout", sitter.log())
                text = sitter.scrape()
                harness.assert_promtool_accepts(self, text)

    def test_custom_histogram_buckets(self):
        with ScriptedServer(routes()) as server:
            config = ("request_duration_buckets: [0.25, 2]\n" +
                      harness.config_yaml({"slow": {"url": server.url("/slow")}}))
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="slow") >= 1,
                           message="a probe")
                buckets = sorted(dict(labels)["le"] for (metric, labels) in sitter.metrics()
                                 if metric == "sitter_request_duration_seconds_bucket")
                self.assertEqual(buckets, ["+Inf", "0.25", "2.0"])
                self.assertEqual(sitter.value("sitter_request_duration_seconds_bucket",
                                              name="slow", le="0.25"), 0)

    def test_a_body_over_max_body_size_is_not_read_further(self):
        # body_limit at its largest, so that only max_body_size can stop the read.
        limit, endless = 64 * 1024, Stream(256 << 20)
        with ScriptedServer({"/endless": endless}) as server:
            config = harness.config_yaml({"endless": {
                "url": server.url("/endless"), "timeout": 20, "body_limit": 1 << 30,
                "max_body_size": limit}})
            with Epsitter(config, env={"POLL_INTERVAL": "1"}) as sitter:
                wait_until(lambda: sitter.value("sitter_probe_failures_total", name="endless",
                                                reason="body_too_large") >= 2, timeout=30,
                           message="two probes failed as body_too_large")
                self.assertTrue(endless.client_stopped.is_set())
                # What left the server: the limit plus what loopback socket buffers hold.
                self.assertLess(max(endless.sent), 16 << 20)
                self.assertEqual(sitter.value("sitter_response_size_bytes", name="endless"),
                                 limit)
                self.assertEqual(sitter.value("sitter_http_error_total", name="endless"), 0)
                self.assertEqual(sitter.value("sitter_last_status_code", name="endless"), 200)
                self.assertLess(sitter.value("sitter_request_time_sum", name="endless"), 10)


class Options(unittest.TestCase):
    def test_a_per_target_interval_is_honoured_beside_the_global_one(self):
        with ScriptedServer() as server:
            config = harness.config_yaml({
                "global": {"url": server.url("/global")},
                "fast": {"url": server.url("/fast"), "interval": 0.3},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "60"}) as sitter:
                wait_until(lambda: len(server.seen("/fast")) >= 6, timeout=30,
                           message="six probes of the fast target")
                self.assertEqual(len(server.seen("/global")), 1)
                fast = [r.at for r in server.seen("/fast")][:6]
                # Planned 0.3 s apart (1.5 s for six): spread on its own interval, not a burst.
                # Only a late first probe can shorten the span, so the bound is generous.
                self.assertGreater(fast[-1] - fast[0], 0.5)

    def test_keepalive_reuses_one_connection_and_the_default_opens_one_per_probe(self):
        with ScriptedServer() as server:
            config = harness.config_yaml({
                "reused": {"url": server.url("/reused"), "keepalive": "true"},
                "fresh": {"url": server.url("/fresh")},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: len(server.seen("/reused")) >= 4 and
                           len(server.seen("/fresh")) >= 4, message="four probes of each")
                reused_ports = {r.client[1] for r in server.seen("/reused")}
                fresh = server.seen("/fresh")
                self.assertEqual(len(reused_ports), 1)
                self.assertEqual(len({r.client[1] for r in fresh}), len(fresh))

    def test_proxy_carries_requests_except_for_no_proxy_hosts(self):
        with ScriptedServer() as proxy, ScriptedServer() as backend:
            proxy_url = f"http://127.0.0.1:{proxy.port}"
            config = harness.config_yaml({
                "via_proxy": {"url": "http://service.invalid/through", "proxy": proxy_url},
                "direct": {"url": backend.url("/direct"), "proxy": proxy_url,
                           "no_proxy": "127.0.0.1"},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: proxy.seen() and backend.seen(), message="both requests")
                self.assertEqual(proxy.seen()[0].path, "http://service.invalid/through")
                self.assertEqual({r.path for r in proxy.seen()}, {"http://service.invalid/through"})
                self.assertEqual(backend.seen()[0].path, "/direct")
                wait_until(lambda: sitter.value("sitter_probe_success", name="via_proxy") == 1,
                           message="the proxied probe to succeed")

    def test_ip_version_restricts_the_address_family(self):
        with ScriptedServer() as server:
            config = harness.config_yaml({
                "v4": {"url": server.url("/v4"), "ip_version": 4},
                "v6_only": {"url": server.url("/v6"), "ip_version": 6},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="v4") >= 1 and
                           sitter.value("sitter_request_time_count", name="v6_only") >= 1,
                           message="both probed")
                self.assertEqual(sitter.value("sitter_probe_success", name="v4"), 1)
                self.assertEqual(sitter.value("sitter_probe_success", name="v6_only"), 0)
                self.assertEqual(server.seen("/v6"), [])


if __name__ == "__main__":
    harness.main()
