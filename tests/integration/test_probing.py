"""The real binary probes real loopback servers: counts, status codes and error reasons."""

import harness
from harness import Backend, Epsitter, config_yaml, refused_port, wait_until
import unittest


class Probing(unittest.TestCase):
    def test_counts_status_codes_of_a_200_and_a_503_target(self):
        with Backend({"/ok": (200, 0), "/down": (503, 0)}) as backend:
            config = config_yaml({
                "good": {"namespace": "qa", "url": backend.url("/ok")},
                "bad": {"namespace": "prod", "url": backend.url("/down")},
            })
            with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="good") >= 3
                           and sitter.value("sitter_request_time_count", name="bad") >= 3,
                           message="three probes of each target")
                metrics = sitter.metrics()
                good = dict(name="good", namespace="qa", method="get", url=backend.url("/ok"))
                ok = sitter.value("sitter_http_status_code_total", status="200", **good)
                count = sitter.value("sitter_request_time_count", **good)
                self.assertGreaterEqual(ok, 3)
                # Every finished probe of this target got a 200 (a scrape may fall between the
                # two counters' updates only within one rendering, which is atomic).
                self.assertEqual(ok, count)
                self.assertGreater(sitter.value("sitter_request_time_sum", name="good"), 0)
                self.assertGreaterEqual(
                    sitter.value("sitter_http_status_code_total", name="bad", status="503"), 3)
                self.assertEqual(
                    sitter.value("sitter_http_status_code_total", name="bad", status="200"), 0)
                self.assertEqual(sitter.value("sitter_http_error_total", name="bad"), 0,
                                 "a 503 is a response, not a connection error")
                self.assertGreaterEqual(len(backend.seen("/ok")), 3)

    def test_a_refused_port_is_counted_as_connection_refused(self):
        config = config_yaml({"nobody": {"namespace": "x", "url": f"http://127.0.0.1:{refused_port()}/"}})
        with Epsitter(config, env={"POLL_INTERVAL": "0.3"}) as sitter:
            wait_until(lambda: sitter.value("sitter_probe_failures_total", name="nobody",
                                            reason="connection_refused") >= 2,
                       message="two refused probes")
            self.assertEqual(sitter.value("sitter_request_time_count", name="nobody"),
                             sitter.value("sitter_http_error_total", name="nobody"))
            self.assertIn('error=connection_refused', sitter.log())

    def test_a_target_is_listed_before_its_first_probe_finishes(self):
        with Backend({"/slow": (200, 5)}) as backend:
            config = config_yaml({"slow": {"namespace": "x", "url": backend.url("/slow"), "timeout": 4}})
            with Epsitter(config, env={"POLL_INTERVAL": "10"}) as sitter:
                wait_until(lambda: backend.seen("/slow"), message="the first request")
                self.assertEqual(sitter.value("sitter_request_time_count", name="slow"), 0)
                self.assertIn(("sitter_request_time_count",
                               (("name", "slow"), ("namespace", "x"), ("method", "get"),
                                ("url", backend.url("/slow")))), sitter.metrics())

    def test_a_timeout_is_counted_as_timeout_after_the_targets_own_timeout(self):
        with Backend({"/hang": (200, 30)}) as backend:
            config = config_yaml({"hang": {"namespace": "x", "url": backend.url("/hang"), "timeout": 0.5}})
            with Epsitter(config, env={"POLL_INTERVAL": "1", "REQUEST_TIMEOUT": "20"}) as sitter:
                wait_until(lambda: sitter.value("sitter_probe_failures_total", name="hang",
                                                reason="timeout") >= 1, timeout=10,
                           message="a timeout")
                duration = sitter.value("sitter_request_time_sum", name="hang")
                self.assertGreaterEqual(duration, 0.45)
                self.assertLess(duration, 5)


if __name__ == "__main__":
    harness.main()
