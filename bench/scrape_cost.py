#!/usr/bin/env python3
"""What one /metrics scrape costs at 10,000 targets: time, process CPU and RSS, gzip and plain.

Run by hand (not in CI) with release builds, e.g. to compare two of them, alternately:
    bench/scrape_cost.py --rounds 3 before=/tmp/epsitter-before after=build-release/src/epsitter

Each binary probes N targets every 30 s (nginx on loopback answering 200, or refused ports with
--refused), is left until every target has been probed once, then scraped 10 times with gzip and
10 times without, one scrape a second so that each renders anew (probes finish in between), then
the same asking for Prometheus' protobuf format as a Prometheus with native histograms does. The
process CPU of a scrape is its /proc/PID/stat ticks (10 ms) across that scrape. Ports are picked
free, so the run does not collide with bench/run_bench.py.
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import cpu_seconds, fetch, status_kib, wait_port, wait_ready  # noqa: E402

SCRAPES = 10
# Prometheus 2.42's Accept header with --enable-feature=native-histograms.
PROTOBUF_ACCEPT = (
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
    "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def nginx_on(port):
    """nginx answering 200 for any path on 127.0.0.1:port (bench/nginx.conf, port changed)."""
    workdir = tempfile.mkdtemp(prefix="epsitter-scrape-cost-nginx-")
    conf = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nginx.conf")).read()
    conf = conf.replace("127.0.0.1:18080", f"127.0.0.1:{port}")
    conf = conf.replace("/tmp/epsitter-bench-nginx", os.path.join(workdir, "nginx"))
    path = os.path.join(workdir, "nginx.conf")
    open(path, "w").write(conf)
    proc = subprocess.Popen(["nginx", "-c", path, "-p", workdir])
    try:
        wait_port(port)
        yield
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def write_config(path, urls):
    with open(path, "w") as f:
        f.write("urls:\n")
        for i, url in enumerate(urls):
            f.write(f"  t{i}:\n    namespace: bench\n    url: {url}\n    timeout: 5\n")


def fetch_accepting(port, gzip_ok, accept):
    """fetch() with an Accept header."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                     headers={"Accept": accept})
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        encoding = response.headers.get("Content-Encoding", "")
    return time.perf_counter() - started, body, encoding


def scrapes(pid, port, gzip_ok, accept=None):
    """SCRAPES scrapes a second apart: [(seconds, CPU seconds, bytes)]."""
    out = []
    for _ in range(SCRAPES):
        time.sleep(1)
        cpu0 = cpu_seconds(pid)
        if accept:
            elapsed, body, encoding = fetch_accepting(port, gzip_ok, accept)
        else:
            elapsed, body, encoding = fetch(port, "/metrics", gzip_ok)
        cpu1 = cpu_seconds(pid)
        if (encoding == "gzip") != gzip_ok:
            raise RuntimeError(f"asked gzip={gzip_ok}, got Content-Encoding {encoding!r}")
        out.append((elapsed, cpu1 - cpu0, len(body)))
    return out


def measure(binary, urls, interval):
    workdir = tempfile.mkdtemp(prefix="epsitter-scrape-cost-")
    config = os.path.join(workdir, "sitter.yaml")
    write_config(config, urls)
    port = free_port()
    env = dict(os.environ, POLL_INTERVAL=str(interval), SERVER_PORT=str(port), LOG_LEVEL="ERROR",
               POOL_SIZE="2")
    proc = subprocess.Popen([binary, "--no-watch", config], env=env)
    try:
        wait_ready(port, timeout=120)
        time.sleep(interval + 5)  # every target probed once: all its series present
        result = {"RSS MiB before scrapes": status_kib(proc.pid, "VmRSS") / 1024}
        for name, gzip_ok, accept in (("gzip", True, None), ("plain", False, None),
                                      ("protobuf gzip", True, PROTOBUF_ACCEPT),
                                      ("protobuf plain", False, PROTOBUF_ACCEPT)):
            runs = scrapes(proc.pid, port, gzip_ok, accept)
            result[f"{name} ms"] = statistics.median(r[0] for r in runs) * 1000
            result[f"{name} CPU ms"] = statistics.median(r[1] for r in runs) * 1000
            result[f"{name} CPU ms (mean)"] = statistics.mean(r[1] for r in runs) * 1000
            result[f"{name} bytes"] = runs[-1][2]
            result[f"RSS MiB after {name}"] = status_kib(proc.pid, "VmRSS") / 1024
        result["VmHWM MiB"] = status_kib(proc.pid, "VmHWM") / 1024
        return result
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binaries", nargs="+", metavar="NAME=PATH")
    parser.add_argument("--targets", type=int, default=10000)
    parser.add_argument("--interval", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="each binary this often, in turn")
    parser.add_argument("--refused", action="store_true",
                        help="targets on a refused loopback port instead of nginx")
    args = parser.parse_args()
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    binaries = [item.split("=", 1) for item in args.binaries]
    results = {name: [] for name, _ in binaries}
    with contextlib.ExitStack() as stack:
        if args.refused:
            target_port = free_port()  # nothing listens there: every connect is refused
        else:
            target_port = free_port()
            stack.enter_context(nginx_on(target_port))
        urls = [f"http://127.0.0.1:{target_port}/s{i}" for i in range(args.targets)]
        for round_ in range(args.rounds):
            for name, path in binaries:
                result = measure(path, urls, args.interval)
                results[name].append(result)
                print(f"round {round_ + 1} {name}: " +
                      ", ".join(f"{k} {v:.1f}" for k, v in result.items()), flush=True)
    print(f"\n{args.targets:,} targets every {args.interval:g} s; medians over rounds of "
          f"each round's median of {SCRAPES} scrapes")
    keys = list(next(iter(results.values()))[0])
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for key in keys:
        cells = [f"{statistics.median(r[key] for r in runs):,.1f}" for runs in results.values()]
        print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
