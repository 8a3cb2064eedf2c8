"""Crowds for load tests: a fast asyncio backend that answers many targets at once, and crowds of
scrapers of epsitter's /metrics spread over processes.

Python standard library only, like harness.py.
"""

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


# --- A fast backend for crowds of targets ---------------------------------------------------------

REQUEST_END = b"\r\n\r\n"
COUNTS_PATH = "/__counts"


async def _crowd_handler(counts, reader, writer):
    """Answers every request 200 and counts it by path; COUNTS_PATH answers the counts as JSON."""
    try:
        while True:
            head = await reader.readuntil(REQUEST_END)
            path = head.split(b" ", 2)[1].decode("latin-1")
            if path == COUNTS_PATH:
                body = json.dumps(counts).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                counts[path] = counts.get(path, 0) + 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


def _serve_crowd():
    """The child process of CrowdBackend: prints its port, serves until stdin closes."""
    counts = {}

    async def main():
        server = await asyncio.start_server(
            lambda r, w: _crowd_handler(counts, r, w), "127.0.0.1", 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(main())


class CrowdBackend:
    """An asyncio HTTP/1.1 server on 127.0.0.1, in a process of its own, that answers every request
    200 and counts requests per path. It keeps up with a thousand targets, and the test's own
    threads (scrapers parsing pages) cannot starve it of Python's interpreter lock."""

    def __init__(self):
        self.process = None
        self.port = None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def snapshot(self):
        """{path: requests so far}."""
        with urllib.request.urlopen(self.url(COUNTS_PATH), timeout=30) as response:
            return json.load(response)

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "crowd"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())
        return self

    def __exit__(self, *exc):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


# --- Crowds of scrapers ----------------------------------------------------------------------------

def _scrape(url, seconds, threads, targets):
    """A child process of scrape_crowd: `threads` scrapers for `seconds`; prints a JSON summary."""
    import harness  # beside this file; parse_exposition is the suite's one exposition parser

    stop = threading.Event()
    lock = threading.Lock()
    summary = {"pages": 0, "busy": 0, "failures": [], "slowest": 0.0}

    def check(body, length):
        if length != len(body):
            raise AssertionError(f"Content-Length {length} but {len(body)} bytes")
        text = body.decode()
        if not text.endswith("\n"):
            raise AssertionError("page does not end with a newline")
        names = {dict(labels)["name"] for name, labels in harness.parse_exposition(text)
                 if name == "sitter_request_time_count"}
        if len(names) != targets:
            raise AssertionError(f"{len(names)} targets on the page, expected {targets}")

    def loop():
        while not stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    body = response.read()
                    length = int(response.headers["Content-Length"])
                took = time.monotonic() - started
                check(body, length)
                with lock:
                    summary["pages"] += 1
                    summary["slowest"] = max(summary["slowest"], took)
            except urllib.error.HTTPError as error:
                # More scrapers at once than epsitter serves pages: a quick 503 that says when to
                # come back, which is what a scraper should get rather than a wait.
                retry_after = error.headers.get("Retry-After")
                error.read()
                with lock:
                    if error.code == 503 and retry_after:
                        summary["busy"] += 1
                    else:
                        summary["failures"].append(repr(error))
                stop.wait(0.2)
            except Exception as error:  # noqa: BLE001 - every failure is reported
                with lock:
                    summary["failures"].append(repr(error))

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    print(json.dumps(summary), flush=True)


def scrape_crowd(url, seconds, scrapers, targets, per_process=10):
    """Runs `scrapers` concurrent scrapers of `url` for `seconds`, in processes of `per_process`
    threads each (so that the interpreter lock, not epsitter, is not what they measure). Every page
    must be complete (Content-Length), end with a newline, parse, and list `targets` targets; a 503
    with Retry-After counts as busy, and its scraper tries again after 0.2 s.
    Returns {"pages", "busy", "failures", "slowest"} summed over the processes."""
    processes = []
    for start in range(0, scrapers, per_process):
        count = min(per_process, scrapers - start)
        processes.append(subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "scrape", url, str(seconds), str(count),
             str(targets)], stdout=subprocess.PIPE, text=True))
    total = {"pages": 0, "busy": 0, "failures": [], "slowest": 0.0}
    for process in processes:
        out, _ = process.communicate(timeout=seconds + 120)
        part = json.loads(out)
        total["pages"] += part["pages"]
        total["busy"] += part["busy"]
        total["failures"] += part["failures"]
        total["slowest"] = max(total["slowest"], part["slowest"])
    return total


if __name__ == "__main__":
    if sys.argv[1:] == ["crowd"]:
        _serve_crowd()
    elif sys.argv[1:2] == ["scrape"]:
        _scrape(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
