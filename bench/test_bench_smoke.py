#!/usr/bin/env python3
"""bench_smoke: the bench scripts parse their arguments, and bare_curl probes and counts.

    test_bench_smoke.py BARE_CURL

Cheap enough for every CI run: no nginx, no Prometheus, no epsitter; a loopback HTTP server that
counts the requests and the connections they came on, and bare_curl against it for 2 s.
"""

import http.server
import os
import re
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")


def check_scripts_parse():
    """--help works, a bad argument is refused, and whole_bill's defaults are the brief's."""
    for script in ("whole_bill.py", "run_bench.py", "capacity.py", "scrape_cost.py",
                   "thread_wakeups.py"):
        path = os.path.join(HERE, script)
        done = subprocess.run([sys.executable, path, "--help"], capture_output=True, text=True,
                              timeout=30)
        check(done.returncode == 0 and "usage:" in done.stdout, f"{script} --help: {done.stderr}")
        done = subprocess.run([sys.executable, path, "--no-such-option"], capture_output=True,
                              text=True, timeout=30)
        check(done.returncode == 2, f"{script} accepted --no-such-option")
    sys.path.insert(0, HERE)
    import whole_bill
    args = whole_bill.parse_args([])
    check((args.targets, args.minutes, args.scenarios) == (10_000, 5, "abcd"),
          f"whole_bill's defaults: {args}")
    args = whole_bill.parse_args(["--targets", "1000", "--minutes", "1", "--warmup", "20",
                                  "--scenarios", "ad"])
    check((args.targets, args.minutes, args.warmup, args.scenarios) == (1000, 1, 20, "ad"),
          f"whole_bill's options: {args}")
    for bad in (["--scenarios", "ax"], ["--minutes", "1", "--warmup", "60"]):
        try:
            whole_bill.parse_args(bad)
        except SystemExit as refused:
            check(refused.code == 2, f"whole_bill {bad} exited {refused.code}")
        else:
            check(False, f"whole_bill accepted {bad}")


class Counting(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive allowed: a reused connection would show
    requests = 0
    connections = 0
    lock = threading.Lock()

    def setup(self):
        super().setup()
        with Counting.lock:
            Counting.connections += 1

    def do_GET(self):
        with Counting.lock:
            Counting.requests += 1
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def check_bare_curl(binary):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        urls = [f"http://127.0.0.1:{port}/t{i}" for i in range(4)]
        # 4 targets every 0.5 s for 2 s: 16 probes due.
        done = subprocess.run([binary, "--interval", "0.5", "--duration", "2", "--timeout", "1",
                               *urls], capture_output=True, text=True, timeout=30)
        check(done.returncode == 0, f"bare_curl exited {done.returncode}: {done.stderr}")
        counts = dict(re.findall(r"(\w+)=(\d+)", done.stdout))
        check(set(counts) == {"done", "ok", "planned", "skipped"}, f"bare_curl said {done.stdout!r}")
        counts = {key: int(value) for key, value in counts.items()}
        check(counts["planned"] == 16, f"16 probes due in 2 s, bare_curl planned {counts['planned']}")
        # Generous: the last probes may still run at the end, and a slow machine may lag.
        check(counts["done"] >= 8 and counts["ok"] == counts["done"],
              f"bare_curl counted {counts}")
        check(Counting.requests >= counts["done"], f"the server saw {Counting.requests} requests, "
              f"bare_curl counted {counts['done']}")
        check(Counting.connections == Counting.requests,
              f"{Counting.requests} requests on {Counting.connections} connections: not fresh")
        refused = subprocess.run([binary], capture_output=True, text=True, timeout=10)
        check(refused.returncode == 2 and "usage" in refused.stderr, "bare_curl without URLs")
    finally:
        server.shutdown()


def main():
    check(len(sys.argv) == 2, "usage: test_bench_smoke.py BARE_CURL")
    check_scripts_parse()
    check_bare_curl(sys.argv[1])
    print("bench_smoke: ok")


if __name__ == "__main__":
    main()
