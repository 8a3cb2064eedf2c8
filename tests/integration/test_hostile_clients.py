"""Hostile clients of epsitter's HTTP server: crowds of scrapers, malformed and oversized requests,
path tricks, slow clients, slow readers, smuggled requests. Every answer is complete, nothing is
served from disk, the health endpoints always answer, and a normal scrape keeps working."""

import socket
import sys
import threading
import time
import unittest
import urllib.request

import harness
import crowd
import hostile
import procfs
from harness import Epsitter, config_yaml, refused_port, wait_until

SANITIZER = harness.SANITIZED
# Sanitizer builds run several times slower on a shared 2-core machine: the crowd is smaller there.
TARGETS = 250 if SANITIZER else 1000
SCRAPERS = 20 if SANITIZER else 50
SCRAPE_SECONDS = 10
INTERVAL = 5.0
SLOW_CLIENTS = 100  # more than CivetWeb's 48 workers
PAGE_SLOTS = 16  # pages (/metrics, status page, API) epsitter serves at once (web_server.hpp)
SLOW_READERS = 40  # more than CivetWeb's 32 workers before, more than PAGE_SLOTS now
# A POST /-/reload that would run (it carries the header) if it were ever taken for a request.
HIDDEN_RELOAD = (b"POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Epsitter-Reload: 1\r\n"
                 b"Content-Length: 0\r\n\r\n")


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
        with crowd.CrowdBackend() as backend:
            targets = {f"t{i:04d}": {"namespace": "crowd", "url": backend.url(f"/{i}")}
                       for i in range(TARGETS)}
            with Epsitter(config_yaml(targets), env={"POLL_INTERVAL": str(INTERVAL)}) as sitter:
                wait_until(lambda: len(backend.snapshot()) == TARGETS, timeout=INTERVAL * 4,
                           message="every target probed once")
                before = backend.snapshot()
                started = time.monotonic()
                scraped = crowd.scrape_crowd(f"http://127.0.0.1:{sitter.port}/metrics",
                                             SCRAPE_SECONDS, SCRAPERS, TARGETS)
                elapsed = time.monotonic() - started
                after = backend.snapshot()

                self.assertEqual(scraped["failures"], [], f"{len(scraped['failures'])} failed scrapes")
                probes = {path: after.get(path, 0) - before.get(path, 0) for path in after}
                expected = elapsed / INTERVAL
                report(f"{SCRAPERS} scrapers, {TARGETS} targets: {scraped['pages']} complete pages in "
                       f"{elapsed:.1f} s, slowest {scraped['slowest']:.2f} s, {scraped['busy']} quick "
                       f"503s (busy); probes per target in that time: min "
                       f"{min(probes.values())}, max {max(probes.values())}, "
                       f"expected {expected:.1f}")
                self.assertGreaterEqual(scraped["pages"], SCRAPERS)
                # Every target kept its schedule: one probe per interval, give or take the edges
                # of the window.
                self.assertGreaterEqual(min(probes.values()), int(expected) - 1)
                self.assertLessEqual(max(probes.values()), int(expected) + 2)
                self.assertGreaterEqual(sum(probes.values()), TARGETS * (expected - 1))

    def test_unknown_paths_wrong_methods_and_path_tricks_get_4xx(self):
        with Epsitter(harness.quiet_config()) as sitter:
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
        with Epsitter(harness.quiet_config()) as sitter:
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
        with Epsitter(harness.quiet_config()) as sitter:
            # A few slow clients leave workers free: a scrape is answered while they hang on.
            few = [SlowClient(sitter.port) for _ in range(10)]
            time.sleep(1)
            for client in few:
                client.drip()
            self.assertEqual(sitter.get("/metrics")[0], 200)

            # More slow clients than workers: each is cut off by the request timeout, so they come
            # and go in waves and a scrape queued behind them is answered after a few waves.
            slow_ones = few + [SlowClient(sitter.port) for _ in range(SLOW_CLIENTS)]
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
            while time.monotonic() < deadline and any([c.drip() for c in slow_ones]):
                time.sleep(1)
            scrape_thread.join(timeout=30)
            open_ones = [c for c in slow_ones if c.closed_after is None]
            closed = sorted(c.closed_after for c in slow_ones if c.closed_after is not None)
            report(f"{len(slow_ones)} slow clients: all dropped after {closed[0]:.1f} to "
                   f"{closed[-1]:.1f} s; a scrape among them answered {scraped}")
            self.assertEqual(open_ones, [], "slow clients still connected after 60 s")
            self.assertEqual(len(scraped), 1)
            self.assertEqual(scraped[0][0], 200)
            self.assertEqual(sitter.get("/metrics")[0], 200)

    def test_slow_readers_hold_a_bounded_share_of_workers_and_are_dropped(self):
        # About 5 MB of plain exposition: long URLs make every series long. interval 3600 spreads
        # the first probes over an hour, so nearly nothing is probed and the page stays the same.
        port = refused_port()
        targets = {f"t{i:03d}": {"url": f"http://127.0.0.1:{port}/{'p' * 1000}{i}",
                                 "interval": 3600} for i in range(250)}
        # A 3 s base: the deadline of a 5 MB page is then about 8 s (3 s + 1 s per MiB).
        with Epsitter(config_yaml(targets), env={"WEB_RESPONSE_TIMEOUT": "3"}) as sitter:
            size = len(sitter.scrape())
            self.assertGreater(size, 4_000_000)
            readers = hostile.SlowReaders(sitter.port, SLOW_READERS).start()
            try:
                answers = {"/-/healthy": [], "/-/ready": []}
                started = time.monotonic()

                def served_still():
                    states = procfs.server_side_states(sitter.port)
                    return [i for i in range(SLOW_READERS) if readers.status(i) == 200
                            and states.get(readers.local_port(i)) == "ESTABLISHED"]

                # The probes ask every half second until every slow reader that got its page has
                # been dropped (or 120 s, far beyond the deadline, have passed).
                while time.monotonic() - started < 120:
                    for path, seen in answers.items():
                        try:
                            seen.append(sitter.get(path)[0])
                        except OSError as error:
                            seen.append(repr(error))
                    if time.monotonic() - started > 2 and not served_still():
                        break
                    time.sleep(0.5)
                dropped_after = time.monotonic() - started
                statuses = [readers.status(i) for i in range(SLOW_READERS)]
                still = served_still()
            finally:
                readers.stop()
            served = statuses.count(200)
            report(f"{SLOW_READERS} slow readers of a {size / 1e6:.1f} MB page: {served} served, "
                   f"{statuses.count(503)} got 503 at once; the served ones dropped within "
                   f"{dropped_after:.1f} s; /-/healthy answered "
                   f"{answers['/-/healthy'].count(200)} of {len(answers['/-/healthy'])}, /-/ready "
                   f"{answers['/-/ready'].count(200)} of {len(answers['/-/ready'])}")
            for path, seen in answers.items():
                self.assertEqual(set(seen), {200}, f"{path} answered {seen}")
            self.assertGreater(len(answers["/-/healthy"]), 5)
            # At most PAGE_SLOTS hold a worker; every other one was told at once to come back.
            self.assertEqual(sorted(set(statuses)), [200, 503], statuses)
            self.assertLessEqual(served, PAGE_SLOTS)
            self.assertEqual(still, [], "slow readers still served after 120 s")
            for i in range(SLOW_READERS):
                if statuses[i] == 200:
                    self.assertLess(readers.received[i], size, "a slow reader got the whole page")
            wait_until(lambda: sitter.log().count("reason=\"slower than its deadline\"") >= served,
                       message="each refused reader logged")
            self.assertEqual(sitter.log().count("reason=\"slower than its deadline\""), served)
            # And the port is whole again: a whole page for the next scraper.
            status, headers, page = sitter.get("/metrics")
            self.assertEqual(status, 200)
            self.assertEqual(len(page), int(headers["Content-Length"]))
            self.assertGreater(len(page), 4_000_000)

    def test_smuggled_requests_get_400_and_the_connection_closes(self):
        body = b"0\r\n\r\n" + HIDDEN_RELOAD
        variants = {
            # A proxy that trusts Content-Length sees one GET; CivetWeb trusted the chunked end.
            "Content-Length and Transfer-Encoding":
                b"GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" % len(body) + body,
            "Transfer-Encoding and Content-Length, spaced":
                b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding : chunked\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body,
            # CivetWeb took the first length, 0, and the hidden POST for the next request.
            "two Content-Lengths, 0 first":
                b"GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                b"Content-Length: %d\r\n\r\n" % len(HIDDEN_RELOAD) + HIDDEN_RELOAD,
            "a body on a GET":
                b"GET /-/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n"
                % len(HIDDEN_RELOAD) + HIDDEN_RELOAD,
            "a chunked GET":
                b"GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                b"\r\n" + body,
            "a chunked body on the reload itself":
                b"POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n"
                b"Transfer-Encoding: chunked\r\nX-Epsitter-Reload: 1\r\n\r\n" % len(body) + body,
        }
        with Epsitter(harness.quiet_config(), args=["--no-watch"]) as sitter:
            for name, data in variants.items():
                with self.subTest(variant=name):
                    received, closed = hostile.exchange(sitter.port, data)
                    self.assertTrue(received.startswith(b"HTTP/1.1 400 "), received[:200])
                    self.assertEqual(received.count(b"HTTP/1.1 "), 1, received)
                    self.assertIn(b"Connection: close", received)
                    self.assertTrue(closed, "the connection stayed open")
            self.assertNotIn('trigger="POST /-/reload"', sitter.log())
            self.assertEqual(sitter.get("/-/healthy")[0], 200)
            # The hidden request itself, sent plainly, does reload: it was refused, not broken.
            received, _ = hostile.exchange(sitter.port, HIDDEN_RELOAD)
            self.assertTrue(received.startswith(b"HTTP/1.1 200 "), received[:200])
            wait_until(lambda: 'trigger="POST /-/reload"' in sitter.log(), message="the reload")


if __name__ == "__main__":
    harness.main()
