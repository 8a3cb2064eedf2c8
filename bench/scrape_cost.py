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
import statistics
import time

from common import (ACCEPT_PROTOBUF, Nginx, cpu_seconds, epsitter_running, fetch, free_port,
                    raise_open_files_limit, status_kib, wait_ready)

SCRAPES = 10


def scrapes(pid, port, gzip_ok, accept=None):
    """SCRAPES scrapes a second apart: [(seconds, CPU seconds, bytes)]."""
    out = []
    for _ in range(SCRAPES):
        time.sleep(1)
        cpu0 = cpu_seconds(pid)
        elapsed, body, encoding = fetch(port, "/metrics", gzip_ok, accept)
        cpu1 = cpu_seconds(pid)
        if (encoding == "gzip") != gzip_ok:
            raise RuntimeError(f"asked gzip={gzip_ok}, got Content-Encoding {encoding!r}")
        out.append((elapsed, cpu1 - cpu0, len(body)))
    return out


def measure(binary, urls, interval):
    port = free_port()
    with epsitter_running(urls, interval, port, binary) as (proc, _):
        wait_ready(port, timeout=120)
        time.sleep(interval + 5)  # every target probed once: all its series present
        result = {"RSS MiB before scrapes": status_kib(proc.pid, "VmRSS") / 1024}
        for name, gzip_ok, accept in (("gzip", True, None), ("plain", False, None),
                                      ("protobuf gzip", True, ACCEPT_PROTOBUF),
                                      ("protobuf plain", False, ACCEPT_PROTOBUF)):
            runs = scrapes(proc.pid, port, gzip_ok, accept)
            result[f"{name} ms"] = statistics.median(r[0] for r in runs) * 1000
            result[f"{name} CPU ms"] = statistics.median(r[1] for r in runs) * 1000
            result[f"{name} CPU ms (mean)"] = statistics.mean(r[1] for r in runs) * 1000
            result[f"{name} bytes"] = runs[-1][2]
            result[f"RSS MiB after {name}"] = status_kib(proc.pid, "VmRSS") / 1024
        result["VmHWM MiB"] = status_kib(proc.pid, "VmHWM") / 1024
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binaries", nargs="+", metavar="NAME=PATH")
    parser.add_argument("--targets", type=int, default=10000)
    parser.add_argument("--interval", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="each binary this often, in turn")
    parser.add_argument("--refused", action="store_true",
                        help="targets on a refused loopback port instead of nginx")
    args = parser.parse_args()
    raise_open_files_limit()
    binaries = [item.split("=", 1) for item in args.binaries]
    results = {name: [] for name, _ in binaries}
    with contextlib.ExitStack() as stack:
        if args.refused:
            target_port = free_port()  # nothing listens there: every connect is refused
        else:
            target_port = free_port()
            stack.enter_context(Nginx(target_port))
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
