#!/usr/bin/env python3
"""Where epsitter's CPU per probe goes, thread by thread: CPU and context switches per probe.

Run by hand (not in CI) with nginx-light and a release epsitter (EPSITTER_BIN), loopback only:
    bench/thread_wakeups.py                      # 10,000 targets every 15 s, 30 s measured
    bench/thread_wakeups.py --targets 1000 --interval 30 --seconds 60
    bench/thread_wakeups.py --compare OTHER_EPSITTER_BINARY --rounds 2   # A/B, alternating

Counts (voluntary context switches: a thread going to sleep and being woken) are steady from run
to run; the CPU figures of one run are not (20% apart for the same binary on a shared VM), which
is why --compare alternates the binaries instead of running each once.
"""

import argparse
import collections
import os
import sys
import time

from common import (NGINX_PORT, EPSITTER_PORT, Nginx, epsitter_binary, epsitter_running,
                    probes_done, scrape, target_urls, wait_ready)


def threads_of(pid):
    """{tid: (name, cpu ticks, voluntary switches, involuntary switches)}"""
    seen = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            status = open(f"/proc/{pid}/task/{tid}/status").read().splitlines()
        except FileNotFoundError:
            continue  # the thread ended meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        switches = {line.split(":")[0]: int(line.split()[1]) for line in status if "ctxt" in line}
        seen[tid] = (name, int(fields[11]) + int(fields[12]),
                     switches["voluntary_ctxt_switches"], switches["nonvoluntary_ctxt_switches"])
    return seen


def measure(binary, urls, interval, seconds):
    with epsitter_running(urls, interval, binary=binary) as (proc, _):
        wait_ready(EPSITTER_PORT, timeout=300)
        time.sleep(max(20, interval + 5))  # every target probed at least once
        done_before = probes_done(scrape(EPSITTER_PORT, "/metrics", True)[2])
        before, started = threads_of(proc.pid), time.monotonic()
        time.sleep(seconds)
        after, elapsed = threads_of(proc.pid), time.monotonic() - started
        probes = probes_done(scrape(EPSITTER_PORT, "/metrics", True)[2]) - done_before
    ticks = os.sysconf("SC_CLK_TCK")
    by_name = collections.defaultdict(lambda: [0, 0, 0, 0])
    for tid, (name, cpu, voluntary, involuntary) in after.items():
        if tid not in before:
            continue
        row = by_name[name]
        row[0] += 1
        row[1] += cpu - before[tid][1]
        row[2] += voluntary - before[tid][2]
        row[3] += involuntary - before[tid][3]
    probes = max(probes, 1)
    total = sum(row[1] for row in by_name.values()) * 1000 / ticks / probes
    print(f"\n{binary}: {probes:.0f} probes in {elapsed:.0f} s, {total:.4f} ms CPU a probe")
    print("| thread | threads | CPU ms a probe | voluntary switches a probe | involuntary |")
    print("|---|---|---|---|---|")
    for name, (count, cpu, voluntary, involuntary) in sorted(by_name.items(),
                                                             key=lambda kv: -kv[1][1]):
        if cpu == 0 and voluntary < probes / 100:
            continue  # idle threads (CivetWeb's workers, the watchers)
        print(f"| {name} | {count} | {cpu * 1000 / ticks / probes:.4f} | "
              f"{voluntary / probes:.3f} | {involuntary / probes:.3f} |")
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--interval", type=int, default=15, help="POLL_INTERVAL, s")
    parser.add_argument("--seconds", type=int, default=30, help="seconds measured")
    parser.add_argument("--compare", metavar="BINARY", help="a second epsitter, alternated")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if args.targets < 1 or args.interval < 1 or args.seconds < 1 or args.rounds < 1:
        parser.error("--targets, --interval, --seconds and --rounds are at least 1")
    binaries = [epsitter_binary()] + ([args.compare] if args.compare else [])
    urls = target_urls(args.targets, "w", port=NGINX_PORT)
    totals = collections.defaultdict(list)
    with Nginx():
        for _ in range(args.rounds):
            for binary in binaries:
                totals[binary].append(measure(binary, urls, args.interval, args.seconds))
    if len(binaries) > 1 or args.rounds > 1:
        print()
        for binary, runs in totals.items():
            print(f"{binary}: " + ", ".join(f"{t:.4f}" for t in runs) + " ms CPU a probe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
