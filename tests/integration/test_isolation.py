"""A slow or hanging target never delays another: eight hanging targets, POOL_SIZE=2, one fast."""

import os
import socket
import threading
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
                wait_until(lambda: sitter.value("sitter_probe_failures_total", name="hang0",
                                                reason="timeout") >= 1, timeout=10,
                           message="hanging targets time out")
                self.assertGreaterEqual(
                    sitter.value("sitter_http_status_code_total", name="fast", status="200"),
                    OBSERVE / INTERVAL - 1)
                # Each hanging target has one request open at a time: rounds that would overlap
                # are skipped rather than piling up sockets.
                for i in range(8):
                    self.assertLessEqual(len(backend.seen(f"/hang{i}")), 4)
                # epsitter's own view agrees: every probe started within a second of its plan
                # (a probe held up by a hanging one would be 3 s late).
                delays = start_delays(sitter)
                self.assertGreaterEqual(delays["+Inf"], OBSERVE / INTERVAL)
                self.assertEqual(delays["1.0"], delays["+Inf"], f"start delays: {delays}")

    def test_max_in_flight_bounds_open_probes_and_the_rest_wait_their_turn(self):
        with SilentServer() as server:
            targets = {f"hang{i}": {"url": f"http://127.0.0.1:{server.port}/{i}", "timeout": 1}
                       for i in range(6)}
            env = {"MAX_IN_FLIGHT": "3", "POLL_INTERVAL": "0.5"}
            with Epsitter(harness.config_yaml(targets), env=env) as sitter:
                # Every target gets its turn (a waiting probe starts when an open one times out)...
                wait_until(lambda: all(sitter.value("sitter_probe_failures_total", name=f"hang{i}",
                                                    reason="timeout") >= 1 for i in range(6)),
                           timeout=20, message="every target probed and timed out")
                # ...and never more than three connections were open at once.
                self.assertGreaterEqual(server.accepted, 6)
                self.assertLessEqual(server.most_open, 3)
                # The probes that waited for the bound started late, and the start delay
                # histogram says so: three wait about a second (the open ones' timeout).
                delays = start_delays(sitter)
                self.assertGreaterEqual(delays["+Inf"], 6)
                self.assertLess(delays["0.25"], delays["+Inf"], f"start delays: {delays}")

    def test_scrapes_are_served_from_a_lower_priority_thread_outside_the_pool(self):
        # Rendering /metrics of many targets keeps a thread busy for tens of ms. It runs on the
        # metrics actor's own thread, which yields to probing when the cores are busy, and never
        # on one of the POOL_SIZE scheduler workers that wake the target actors.
        with Backend() as backend:
            targets = {f"t{i}": {"url": backend.url(f"/{i}")} for i in range(3)}
            with Epsitter(harness.config_yaml(targets), env={"POOL_SIZE": "3"}) as sitter:
                wait_until(lambda: sitter.value("sitter_request_time_count", name="t2") >= 1,
                           message="a first probe recorded")
                before = threads(sitter.process.pid)
                base = before[sitter.process.pid][1]
                by_name = {}
                for name, nice in before.values():
                    by_name.setdefault(name, []).append(nice)
                self.assertEqual(len(by_name.get("caf.multiplexer", [])), 3, by_name)
                self.assertEqual(by_name.get("metrics"), [min(base + 5, 19)], by_name)
                self.assertEqual(by_name.get("probe-engine"), [base], by_name)
                metrics_tid = [tid for tid, (name, _) in before.items() if name == "metrics"]
                # Scrapes are answered by that thread, which lives on: the same one afterwards.
                for _ in range(3):
                    self.assertIn('t0"', sitter.scrape())
                after = threads(sitter.process.pid)
                self.assertEqual(after.get(metrics_tid[0]), ("metrics", min(base + 5, 19)))


def threads(pid):
    """{thread id: (name, nice value)} of a running process, from /proc."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:  # a thread that just ended
            continue
        # "tid (name) state ...": the name may hold spaces, so split after its closing bracket.
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(tid)] = (name, int(fields[16]))  # field 19 of stat(5), the nice value
    return found


def start_delays(sitter):
    """sitter_probe_start_delay_seconds' cumulative buckets, by their `le`."""
    return {dict(labels)["le"]: value for (name, labels), value in sitter.metrics().items()
            if name == "sitter_probe_start_delay_seconds_bucket"}


class SilentServer:
    """Accepts connections and never answers; counts how many are open at once.

    Before counting a new connection it reads every held one to the end of what has arrived, so a
    connection the prober closed before opening the next is never counted twice (a FIN arrives
    before the next SYN)."""

    def __enter__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.most_open = self.accepted = 0
        threading.Thread(target=self.accept_loop, daemon=True).start()
        return self

    @staticmethod
    def closed_by_peer(conn):
        try:
            while True:
                if not conn.recv(4096):
                    return True
        except BlockingIOError:
            return False
        except OSError:
            return True

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setblocking(False)
            still_open = []
            for held in self.held:
                if self.closed_by_peer(held):
                    held.close()
                else:
                    still_open.append(held)
            self.held = still_open + [conn]
            self.accepted += 1
            self.most_open = max(self.most_open, len(self.held))

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self.held:
            conn.close()


if __name__ == "__main__":
    harness.main()
