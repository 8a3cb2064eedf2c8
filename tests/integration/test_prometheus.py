"""A real Prometheus server scrapes epsitter on loopback every second; PromQL through its HTTP API
returns the probe series, epsitter's own metrics and the outcome of a reload."""

import signal
import unittest

import harness
from harness import Backend, Epsitter, wait_until
from prometheus_server import Prometheus


class ScrapedByPrometheus(unittest.TestCase):
    def test_promql_returns_the_expected_series(self):
        with Backend({"/fail": (503, 0)}) as backend:
            config = harness.config_yaml({
                "up_api": {"namespace": "shop", "url": backend.url("/ok")},
                "down_api": {"namespace": "shop", "url": backend.url("/fail")},
                "bare": {"url": backend.url("/bare"), "method": "post"},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.5"}) as sitter, \
                    Prometheus("epsitter", [f"127.0.0.1:{sitter.port}"]) as prometheus:
                def query(promql):
                    return prometheus.query(promql)

                wait_until(lambda: query('up{job="epsitter"} == 1'), timeout=60,
                           message="prometheus scraping epsitter:\n" + prometheus.log())
                ok = wait_until(lambda: query(
                    'sitter_http_status_code_total{name="up_api",status="200"} >= 2'), timeout=60,
                    message="200s of up_api in prometheus")
                labels, _ = ok[0]
                self.assertEqual(labels["namespace"], "shop")
                self.assertEqual(labels["method"], "get")
                self.assertEqual(labels["url"], backend.url("/ok"))
                self.assertEqual(labels["job"], "epsitter")

                # The share of 5xx answers per target, the way an alert would compute it.
                ratio = wait_until(lambda: query(
                    'sum by (name) (rate(sitter_http_status_code_total{status=~"5.."}[10s]))'
                    ' / sum by (name) (rate(sitter_request_time_count[10s]))'), timeout=60,
                    message="a 5xx ratio")
                by_name = {labels["name"]: value for labels, value in ratio}
                self.assertEqual(by_name.get("down_api"), 1.0)
                self.assertNotIn("up_api", by_name)  # it has no 5xx series at all

                # The original tool's queries: one-to-one matching of its families (the error
                # counter has exactly the summary's labels) and its label values.
                matched = wait_until(lambda: query(
                    "sitter_http_error_total / sitter_request_time_count"), timeout=60,
                    message="errors per probe, matched one-to-one")
                self.assertEqual(sorted(labels["name"] for labels, _ in matched),
                                 ["bare", "down_api", "up_api"])
                self.assertEqual({value for _, value in matched}, {0.0})
                bare = wait_until(lambda: query(
                    'sitter_http_status_code_total{namespace="Unknown",method="post"}'),
                    timeout=60, message="the original's label values in prometheus")
                self.assertEqual([labels["name"] for labels, _ in bare], ["bare"])

                build = query("sitter_build_info")
                self.assertEqual(len(build), 1)
                self.assertIn("revision", build[0][0])
                self.assertEqual(query("sitter_config_last_reload_successful")[0][1], 1)
                self.assertGreater(query("process_resident_memory_bytes")[0][1], 0)
                self.assertTrue(query("rate(process_cpu_seconds_total[5s]) >= 0"))

                # A broken reload shows up in Prometheus as the gauge going to 0.
                with open(sitter.config_path, "w") as f:
                    f.write("urls: {}\n")
                sitter.process.send_signal(signal.SIGHUP)
                wait_until(lambda: query("sitter_config_last_reload_successful == 0"),
                           timeout=60, message="the failed reload seen by prometheus")


if __name__ == "__main__":
    harness.main()
