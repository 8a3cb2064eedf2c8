"""A slow or hanging target never delays another: eight hanging targets, POOL_SIZE=2, one fast."""

import unittest

import harness
from harness import Backend, Epsitter, wait_until

INTERVAL = 0.5
OBSERVE = 6.0


class Isolation(unittest.TestCase):
    def test_eight_hanging_targets_do_not_delay_a_fast_one(self):
        routes = {f"/hang{i}": (200, 60) for i in range(8)}
        with Backend(routes) as backend:
            targets = {f"hang{i}": {"namespace": "slow", "url": backend.url(f"/hang{i}"), "timeout": 3}
                       for i in range(8)}
            targets["fast"] = {"namespace": "fast", "url": backend.url("/fast")}
            config = harness.config_yaml(targets)
            with Epsitter(config, env={"POOL_SIZE": "2", "POLL_INTERVAL": str(INTERVAL)}) as sitter:
                # Wait until every hanging target holds a request open, then watch the fast one.
                wait_until(lambda: all(backend.seen(f"/hang{i}") for i in range(8)), timeout=10,
                           message="all eight hanging requests open")
                start_count = len(backend.seen("/fast"))
                wait_until(lambda: len(backend.seen("/fast")) >= start_count + OBSERVE / INTERVAL - 1,
                           timeout=OBSERVE + 3, message="the fast target's full schedule")
                fast = [r.at for r in backend.seen("/fast")]
                gaps = [b - a for a, b in zip(fast, fast[1:])]
                # Planned spacing is INTERVAL; a delayed probe would leave a gap of seconds.
                self.assertLess(max(gaps), INTERVAL + 0.4, f"gaps between fast probes: {gaps}")
                wait_until(lambda: sitter.value("sitter_http_error_total", name="hang0",
                                                error="timeout") >= 1, timeout=10,
                           message="hanging targets time out")
                self.assertGreaterEqual(
                    sitter.value("sitter_http_status_code_total", name="fast", status="200"),
                    OBSERVE / INTERVAL - 1)
                # Each hanging target has one request open at a time: rounds that would overlap
                # are skipped rather than piling up sockets.
                for i in range(8):
                    self.assertLessEqual(len(backend.seen(f"/hang{i}")), 4)


if __name__ == "__main__":
    harness.main()
