"""Hostile clients of epsitter's HTTP server: crowds of scrapers, malformed and oversized requests,
path tricks, slow clients. Every answer is complete, nothing is served from disk, and a normal
scrape keeps working."""

import os
import socket
import sys
import threading
import time
import unittest
import urllib.request

import harness
import hostile
from harness import Epsitter, config_yaml, refused_port, wait_until

SANITIZER = os.environ.get("EPSITTER_SANITIZER", "none") not in ("", "none")
# Sanitizer builds run several times slower on a shared 2-core machine: the crowd is smaller there.
TARGETS = 250 if SANITIZER else 1000
SCRAPERS = 20 if SANITIZER else 50
SCRAPE_SECONDS = 10
INTERVAL = 5.0
SLOW_CLIENTS = 100  # more than CivetWeb's 48 workers


def report(text):
    print(text, file=sys.stderr, flush=True)


def raw_request(port, data, timeout=20):
    """Sends raw bytes; returns (status code or None, first line, seconds until the answer)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may answer and close before taking everything
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
    line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    status = int(parts[1]) if len(parts) > 1 and line.startswith("HTTP/") and parts[1].isdigit() \
        else None
    return status, line, time.monotonic() - started


def quiet_config():
    return config_yaml({"x": {"url": f"http://127.0.0.1:{refused_port()}/"}})


class SlowClient:
    """A connection that sends the start of a request and then one byte a second, never finishing."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        self.closed_after = None
        self.started = time.monotonic()

    def drip(self):
        """Sends one more byte unless the server has closed; returns True while it is open."""
        if self.closed_after is not None:
            return False
        try:
            self.sock.setblocking(False)
            try:
                if self.sock.recv(4096) == b"":
                    raise OSError("closed")
                raise OSError("answered")  # CivetWeb's 400 after its request timeout
            except BlockingIOError:
                pass
            self.sock.setblocking(True)
            self.sock.sendall(b"x")
            return True
        except OSError:
            self.closed_after = time.monotonic() - self.started
            self.sock.close()
            return False


class HostileClients(unittest.TestCase):
    def test_a_crowd_of_scrapers_gets_complete_pages_while_probing_keeps_schedule(self):
        with hostile.CrowdBackend() as backend:
            targets = {f"t{i:04d}": {"namespace": "crowd", "url": backend.url(f"/{i}")}
                       for i in range(TARGETS)}
            with Epsitter(config_yaml(targets), env={"POLL_INTERVAL": str(INTERVAL)}) as sitter:
                wait_until(lambda: len(backend.snapshot()) == TARGETS, timeout=INTERVAL * 4,
                           message="every target probed once")
                before = backend.snapshot()
                started = time.monotonic()
                crowd = hostile.scrape_crowd(f"http://127.0.0.1:{sitter.port}/metrics",
                                             SCRAPE_SECONDS, SCRAPERS, TARGETS)
                elapsed = time.monotonic() - started
                after = backend.snapshot()

                self.assertEqual(crowd["failures"], [], f"{len(crowd['failures'])} failed scrapes")
                probes = {path: after.get(path, 0) - before.get(path, 0) for path in after}
                expected = elapsed / INTERVAL
                report(f"{SCRAPERS} scrapers, {TARGETS} targets: {crowd['pages']} complete pages in "
                       f"{elapsed:.1f} s, slowest {crowd['slowest']:.2f} s, {crowd['busy']} quick "
                       f"503s (busy); probes per target in that time: min "
                       f"{min(probes.values())}, max {max(probes.values())}, "
                       f"expected {expected:.1f}")
                self.assertGreaterEqual(crowd["pages"], SCRAPERS)
                # Every target kept its schedule: one probe per interval, give or take the edges
                # of the window.
                self.assertGreaterEqual(min(probes.values()), int(expected) - 1)
                self.assertLessEqual(max(probes.values()), int(expected) + 2)
                self.assertGreaterEqual(sum(probes.values()), TARGETS * (expected - 1))

    def test_unknown_paths_wrong_methods_and_path_tricks_get_4xx(self):
        with Epsitter(quiet_config()) as sitter:
            cases = {
                # path -> status: nothing but the routes exists, and no file is ever served
                "/nothing-here": 404, "/api/v1/targets/x/../../../metrics": 400, "/metrics/": 404, "/metrics/extra": 404,
                "/sitter.yaml": 404, "/etc/passwd": 404, "/index.html": 404,
                "/../../etc/passwd": 400, "/%2e%2e/%2e%2e/etc/passwd": 400,
                "/x/../metrics": 400, "//metrics": 400, "/./metrics": 400,
                "/m%65trics": 400, "/metrics%00.txt": 400, "/metrics%0a": 400, "/%ZZ": 400,
                "/%c0%ae%c0%ae/etc/passwd": 400, "/..\\..\\etc\\passwd": 400,
            }
            for path, expected in cases.items():
                with self.subTest(path=path):
                    status, line, _ = raw_request(
                        sitter.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    self.assertEqual(status, expected, line)
            for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
                with self.subTest(method=method):
                    status, line, _ = raw_request(
                        sitter.port,
                        f"{method} /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                        .encode())
                    self.assertEqual(status, 405, line)
            for name, request in {
                "TRACE": b"TRACE /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                "CONNECT": b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n",
                "garbage": b"\x00\x01\x02 garbage\r\n\r\n",
                "HTTP/0.9": b"GET /metrics\r\n\r\n",
                "lower-case method": b"get /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                "negative length": b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "HTTP/9.9": b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n",
            }.items():
                with self.subTest(request=name):
                    status, line, _ = raw_request(sitter.port, request)
                    self.assertIsNotNone(status, f"no HTTP answer to {name}")
                    self.assertTrue(400 <= status < 600 and status != 500, line)
            # Query strings are not paths: they cannot reach the file system either.
            self.assertEqual(raw_request(
                sitter.port, b"GET /metrics?../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")[0], 200)
            self.assertEqual(sitter.get("/metrics")[0], 200)

    def test_oversized_headers_and_bodies_are_rejected(self):
        with Epsitter(quiet_config()) as sitter:
            big_header = (b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000
                          + b"\r\n\r\n")
            status, line, _ = raw_request(sitter.port, big_header)
            self.assertTrue(status is not None and 400 <= status < 500, line)
            long_uri = b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
            status, line, _ = raw_request(sitter.port, long_uri)
            self.assertTrue(status is not None and 400 <= status < 500, line)
            # A body announced as 1 GB is never read: the answer comes at once, not after a GB.
            for path, expected in (("/metrics", 405), ("/upload", 404)):
                status, line, seconds = raw_request(
                    sitter.port, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000"
                    "\r\n\r\n".encode() + b"a" * 65536)
                self.assertEqual(status, expected, line)
                self.assertLess(seconds, 10)
            self.assertEqual(sitter.get("/metrics")[0], 200)

    def test_slow_clients_time_out_without_taking_every_worker(self):
        with Epsitter(quiet_config()) as sitter:
            # A few slow clients leave workers free: a scrape is answered while they hang on.
            few = [SlowClient(sitter.port) for _ in range(10)]
            time.sleep(1)
            for client in few:
                client.drip()
            self.assertEqual(sitter.get("/metrics")[0], 200)

            # More slow clients than workers: each is cut off by the request timeout, so they come
            # and go in waves and a scrape queued behind them is answered after a few waves.
            crowd = few + [SlowClient(sitter.port) for _ in range(SLOW_CLIENTS)]
            started = time.monotonic()
            scraped = []

            def scrape():
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{sitter.port}/metrics",
                                                timeout=60) as response:
                        status = response.status
                except OSError:
                    status = None
                scraped.append((status, round(time.monotonic() - started, 1)))

            scrape_thread = threading.Thread(target=scrape)
            scrape_thread.start()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any([c.drip() for c in crowd]):
                time.sleep(1)
            scrape_thread.join(timeout=30)
            open_ones = [c for c in crowd if c.closed_after is None]
            closed = sorted(c.closed_after for c in crowd if c.closed_after is not None)
            report(f"{len(crowd)} slow clients: all dropped after {closed[0]:.1f} to "
                   f"{closed[-1]:.1f} s; a scrape among them answered {scraped}")
            self.assertEqual(open_ones, [], "slow clients still connected after 60 s")
            self.assertEqual(len(scraped), 1)
            self.assertEqual(scraped[0][0], 200)
            self.assertEqual(sitter.get("/metrics")[0], 200)


if __name__ == "__main__":
    harness.main()
