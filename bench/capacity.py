#!/usr/bin/env python3
"""How many targets one replica holds: the figures behind docs/deploy.md's capacity table and the
Deployment's resource requests and limits.

Run by hand (not in CI), as root on a quiet Debian bookworm machine, with a release build:
    bench/capacity.py                 # prints the table
    bench/capacity.py --write         # also rewrites bench/CAPACITY.md

For each interval (30 s, the everyday load, and 1 s) and each size, epsitter probes N loopback
targets (nginx, bench/nginx.conf) with a fresh connection per probe and is scraped with gzip every
15 s, as Prometheus scrapes it. Measured over a window after the first full round: the probes done
against those planned, CPU as a share of one core, RSS at the end, the peak RSS with one reload of
the unchanged file included (a reload parses the whole file while the running targets are held),
the start delay p99 (epsitter's own histogram, as histogram_quantile estimates it) and the time
from start to /-/ready. Everything runs on 127.0.0.1.
"""

import argparse
import datetime
import os
import platform
import sys
import time

import common
from common import HERE

SCRAPE_EVERY = 15  # s, as a Prometheus scrape_interval
SIZES = {30: [10_000, 30_000, 100_000], 1: [1_000, 5_000, 10_000]}


def measure(n, interval):
    with common.epsitter_running(common.target_urls(n, "c"), interval) as (proc, _):
        ready = common.wait_ready(common.EPSITTER_PORT, timeout=300)
        time.sleep(interval + 5)  # one full round behind: every target in its schedule
        window = max(2 * interval, 30)
        before = common.scrape(common.EPSITTER_PORT, "/metrics", True)[2]
        cpu0, t0 = common.cpu_seconds(proc.pid), time.monotonic()
        common.scrape_while_probing(common.EPSITTER_PORT, window, SCRAPE_EVERY)
        cpu1, t1 = common.cpu_seconds(proc.pid), time.monotonic()
        after = common.scrape(common.EPSITTER_PORT, "/metrics", True)[2]
        rss = common.status_kib(proc.pid, "VmRSS") / 1024
        reload_seconds, _ = common.posted_reload(common.EPSITTER_PORT)
        peak = common.status_kib(proc.pid, "VmHWM") / 1024
        probes = common.probes_done(after) - common.probes_done(before)
        planned = n / interval * (t1 - t0)
        p99 = common.own_delay_p99_ms(before, after)
        return {
            "targets": f"{n:,}",
            "every": f"{interval} s",
            "probes done / planned": f"{probes / planned * 100:.1f}%",
            "CPU % of one core": f"{(cpu1 - cpu0) * 100 / (t1 - t0):.0f}",
            "RSS MiB": f"{rss:.0f}",
            "peak RSS MiB (a reload included)": f"{peak:.0f}",
            "start delay p99": f"{p99:.1f} ms" if p99 is not None else "n/a",
            "ready after": f"{ready:.1f} s",
            "reload": f"{reload_seconds:.1f} s",
        }


def table(rows):
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row[c] for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite bench/CAPACITY.md")
    parser.add_argument("--intervals", default="30,1", help="POLL_INTERVALs to measure, s")
    args = parser.parse_args()
    rows = []
    # nginx logs each request as under run_bench.py, so that the figures compare with earlier
    # runs'.
    with common.Nginx(log=common.ACCESS_LOG):
        for interval in (int(i) for i in args.intervals.split(",")):
            for n in SIZES[interval]:
                rows.append(measure(n, interval))
                print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
    text = table(rows)
    print(text)
    if args.write:
        header = (f"# Capacity of one replica\n\nMeasured {datetime.date.today()} by "
                  f"`bench/capacity.py` on {os.cpu_count()} cores ({platform.machine()}, "
                  f"{platform.release()}), release build, POOL_SIZE=2, nginx on the same cores. "
                  f"Scraped with gzip every {SCRAPE_EVERY} s.\n\n")
        with open(os.path.join(HERE, "CAPACITY.md"), "w") as f:
            f.write(header + text + "\n")


if __name__ == "__main__":
    main()
