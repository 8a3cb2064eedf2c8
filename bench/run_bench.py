#!/usr/bin/env python3
"""Side-by-side benchmark: epsitter vs blackbox_exporter on the same loopback targets, in one run.

Run by hand (not in CI), as root on a Debian bookworm machine:
    bench/run_bench.py                      # 1,000 and 10,000 targets, prints one table
    bench/run_bench.py --sizes 1000 --write # also rewrites bench/RESULTS.md
    bench/run_bench.py --sizes 10000 --soak 3600 --soak-only --write  # an hour: bench/SOAK.md
    bench/run_bench.py --sizes 10000 --reloads-only   # reloads while probing, printed

What it does, all on 127.0.0.1:
- nginx (bench/nginx.conf) answers 200 for any path and logs each request's time, so probe start
  times can be measured from the target's side;
- wrk gives the loopback ceiling (new connection per request, and keep-alive);
- epsitter probes N targets with POLL_INTERVAL=1 (one round over N targets per second), fresh
  connection per probe, timeout 5 s, and is scraped with gzip every 3 s meanwhile, as Prometheus
  scrapes while probes run (its CPU per probe includes rendering those scrapes);
- blackbox_exporter (Debian's prometheus-blackbox-exporter 0.23) is driven the way Prometheus drives it:
  /probe?module=http_2xx&target=... with 64 probes in flight (by wrk with a Lua script), fresh
  connection per probe (blackbox's default), timeout 5 s;
- an everyday load (each size's targets every 30 s, blackbox_exporter paced to the same rate:
  33 probes/s for 1,000) shows what a mostly idle daemon costs;
- the hanging scenario points 10% of the targets at a port that accepts connections and never
  answers, and measures what happens to the other 90%;
- the soak (--soak SECONDS) runs the largest size at an everyday load (--soak-interval, 30 s),
  scraped with gzip every 15 s as Prometheus would, and samples RSS once a minute;
- reloads while probing (--reloads N, 5; --reloads-only runs nothing else and needs only nginx):
  each size probed every second is reloaded N times unchanged and N times with one target changed,
  one reload after the other: the reloads' median times, the peak RSS they reach, and how late
  probes start meanwhile (epsitter's own histogram) beside as long a stretch without reloads.
"""

import argparse
import contextlib
import datetime
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from common import (ACCESS_LOG, BLACKBOX_PORT, EPSITTER_PORT, HERE, NGINX_PORT, TIMEOUT,
                    WHOLE_BILL_BEGIN, WHOLE_BILL_END, Nginx, cpu_seconds, epsitter_running, machine,
                    own_delay_p99_ms, posted_reload, probes_done, raise_open_files_limit,
                    require_free_ports, scrape, scrape_while_probing, start_blackbox,
                    started_between, status_kib, table, target_urls, wait_port, wait_ready,
                    write_config)

INTERVAL = 1.0
SCRAPE_EVERY = 3  # s: a gzip scrape of epsitter while its probes are measured


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


class HangingPort:
    """Accepts TCP connections (in the kernel's backlog) and never answers: requests hang."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(65535)
        self.port = self.sock.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.sock.close()


def log_offset(nginx):
    time.sleep(1.2)  # the log buffer is flushed every second
    return nginx.offset()


def arrivals_since(nginx, start, prefix, window):
    """{path: [times]} for requests logged since byte offset `start` whose path starts with
    prefix and whose time falls in window (wall-clock start, end)."""
    time.sleep(1.2)
    seen = {}
    for path, logged in nginx.requests(start, prefix, window):
        seen.setdefault(path, []).append(logged)
    return seen


def jitter_ms(arrivals):
    """Deviation of each probe from its planned time, in ms: p50 and p99.

    nginx cannot know the plan, so it is estimated per target as the median phase of its arrivals
    (target i is planned at phase + k * INTERVAL). The first arrival alone would be a noisy
    reference: one late first probe made every later one of that target look late by as much. A
    schedule that drifted would still show, as arrivals moving away from their median."""
    deviations = []
    for times in arrivals.values():
        times.sort()
        # Phases relative to the first arrival's, wrapped into [-INTERVAL/2, INTERVAL/2).
        relative = [((t - times[0]) + INTERVAL / 2) % INTERVAL - INTERVAL / 2 for t in times]
        planned = statistics.median_low(relative)
        deviations.extend(abs(r - planned) * 1000 for r in relative)
    if not deviations:
        return None, None
    deviations.sort()
    return statistics.median(deviations), deviations[min(len(deviations) - 1,
                                                          int(len(deviations) * 0.99))]


def timed_reload(port):
    """One POST /-/reload: "seconds, targets restarted"."""
    elapsed, restarted = posted_reload(port)
    return f"{elapsed:.3f} s, {restarted} restarted"


def late_percent(before, after, bound):
    """The share (%) of the probes started between two scrapes later than `bound` s, one of the
    histogram's bucket bounds."""
    started = started_between(before, after)
    total = started.get(float("inf"), 0)
    return (total - started[bound]) * 100 / total if total > 0 else None


def run_epsitter(nginx, n, duration, hang_port=None):
    urls = target_urls(n, "e", hang_port)
    with epsitter_running(urls, INTERVAL) as (proc, config):
        startup = wait_ready(EPSITTER_PORT)
        time.sleep(3 + (TIMEOUT if hang_port else 0))  # warm up; let hanging probes settle
        offset = log_offset(nginx)
        before_text = scrape(EPSITTER_PORT, "/metrics", True)[2]
        before = probes_done(before_text)
        cpu0, t0, wall0 = cpu_seconds(proc.pid), time.monotonic(), time.time()
        scrape_times, gzip_bytes = scrape_while_probing(EPSITTER_PORT, duration, SCRAPE_EVERY)
        cpu1, t1, wall1 = cpu_seconds(proc.pid), time.monotonic(), time.time()
        after_text = scrape(EPSITTER_PORT, "/metrics", True)[2]
        after = probes_done(after_text)
        # Peak so far: probing and scraping as Prometheus does (gzip). A plain scrape (inflated
        # from the compressed text as it is sent) and the reloads below are counted apart.
        peak_gzip = status_kib(proc.pid, "VmHWM") / 1024
        probing_rss = status_kib(proc.pid, "VmRSS") / 1024
        plain = scrape(EPSITTER_PORT, "/metrics", False)
        peak_plain = status_kib(proc.pid, "VmHWM") / 1024
        arrivals = arrivals_since(nginx, offset, "/e", (wall0, wall1))
        probes = after - before
        rate = probes / (t1 - t0)
        fast_expected = sum(1 for u in urls if f":{NGINX_PORT}/" in u) / INTERVAL
        fast_rate = sum(len(v) for v in arrivals.values()) / (t1 - t0)
        p50, p99 = jitter_ms(arrivals)
        own_p99 = own_delay_p99_ms(before_text, after_text)
        unchanged_reload = timed_reload(EPSITTER_PORT)
        write_config(config, urls[:-1] + [urls[-1] + "-changed"])
        one_changed_reload = timed_reload(EPSITTER_PORT)
        # A reload parses the whole file while the running targets are still held: yaml-cpp's
        # node tree of 10,000 targets is some 35 MB for the moment it lives.
        peak_reload = status_kib(proc.pid, "VmHWM") / 1024
        return {
            "probes/s": rate,
            "fast targets probed/s (expected)": f"{fast_rate:.0f} ({fast_expected:.0f})",
            "CPU ms per probe": (cpu1 - cpu0) * 1000 / max(probes, 1),
            "CPU % of one core": (cpu1 - cpu0) * 100 / (t1 - t0),
            "RSS MiB while probing, scraped with gzip": f"{probing_rss:.0f}",
            "peak RSS MiB (start-up and gzip scrapes / plain scrape / reloads)":
                f"{peak_gzip:.0f} / {peak_plain:.0f} / {peak_reload:.0f}",
            "/metrics scrape ms (gzip)": statistics.median(scrape_times) * 1000,
            "/metrics bytes (gzip / plain)": f"{gzip_bytes:,} / {plain[1]:,}",
            "start jitter p50 / p99 ms": f"{p50:.1f} / {p99:.1f}" if p50 is not None else "n/a",
            "p99 start delay, epsitter's own histogram": (f"{own_p99:.1f} ms" if own_p99 is not None
                                                          else "n/a"),
            "start-up to ready s": startup,
            "reload (nothing / one target changed)": f"{unchanged_reload} / {one_changed_reload}",
        }


def run_reloads_while_probing(n, reloads, interval):
    """`reloads` POST /-/reload of a file that did not change and as many that changed one target,
    one after the other, while n targets are probed every `interval` s: the reloads' median times,
    the peak RSS they reached, and how late probes started meanwhile (epsitter's own histogram)
    beside an equally long stretch without reloads. The histogram has bounds at 5, 10 and 25 ms; its
    p99 is estimated within its bucket as histogram_quantile does."""
    urls = target_urls(n, "r")
    with epsitter_running(urls, interval) as (proc, config):
        wait_ready(EPSITTER_PORT)
        time.sleep(max(5, interval + 1))  # past start-up: every target in its schedule
        peak_start = status_kib(proc.pid, "VmHWM") / 1024
        rss_before = status_kib(proc.pid, "VmRSS") / 1024
        # "5" resets VmHWM to the current RSS (Linux >= 4.0): the peak read after is the reloads'.
        with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
            f.write("5")
        before = scrape(EPSITTER_PORT, "/metrics", True)[2]
        started = time.monotonic()
        unchanged, one_changed = [], []
        for i in range(reloads):
            unchanged.append(posted_reload(EPSITTER_PORT))
            # Each time another URL, so that each reload changes the one target again.
            write_config(config, urls[:-1] + [f"{urls[-1]}-changed{i}"])
            one_changed.append(posted_reload(EPSITTER_PORT))
        window = time.monotonic() - started
        after = scrape(EPSITTER_PORT, "/metrics", True)[2]
        peak = status_kib(proc.pid, "VmHWM") / 1024
        time.sleep(1)  # the last reload's restart behind
        quiet_before = scrape(EPSITTER_PORT, "/metrics", True)[2]
        time.sleep(window)
        quiet_after = scrape(EPSITTER_PORT, "/metrics", True)[2]
        rss_after = status_kib(proc.pid, "VmRSS") / 1024

    def times(series):
        restarted = sorted({count for _, count in series})
        return (f"{statistics.median(seconds for seconds, _ in series):.3f} s "
                f"({', '.join(map(str, restarted))} restarted)")

    def delays(first, last):
        p99 = own_delay_p99_ms(first, last)
        shares = [late_percent(first, last, bound) for bound in (0.01, 0.025)]
        if p99 is None or None in shares:
            return "n/a"
        return f"{p99:.1f} ms; {shares[0]:.2f}% / {shares[1]:.2f}%"

    return {
        f"reload, nothing changed: median of {reloads}": times(unchanged),
        f"reload, one target changed: median of {reloads}": times(one_changed),
        "RSS MiB: start-up peak / before the reloads / their peak / after":
            f"{peak_start:.0f} / {rss_before:.0f} / {peak:.0f} / {rss_after:.0f}",
        f"start delay during the reloads ({window:.1f} s): p99; later than 10 / 25 ms":
            delays(before, after),
        "the same over as long without reloads": delays(quiet_before, quiet_after),
    }


def run_soak(n, seconds, interval, scrape_every=15, sample_every=60):
    """RSS of epsitter probing n targets every `interval` s for `seconds`, scraped with gzip every
    `scrape_every` s as Prometheus would: (minutes, MiB) samples, one every `sample_every` s."""
    samples = []
    with epsitter_running(target_urls(n, "s"), interval) as (proc, _):
        wait_ready(EPSITTER_PORT)
        started = time.monotonic()
        next_sample = started + sample_every
        while time.monotonic() - started < seconds:
            time.sleep(scrape_every)
            scrape(EPSITTER_PORT, "/metrics", True)
            if time.monotonic() >= next_sample:
                samples.append(((time.monotonic() - started) / 60,
                                status_kib(proc.pid, "VmRSS") / 1024))
                next_sample += sample_every
        peak = status_kib(proc.pid, "VmHWM") / 1024
    return samples, peak


def slope_mib_per_hour(samples):
    """Least-squares slope of RSS over time, ignoring the first 5 minutes (warm-up)."""
    points = [(minute, mib) for minute, mib in samples if minute >= 5] or samples
    if len(points) < 2:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_m = statistics.fmean(m for _, m in points)
    num = sum((t - mean_t) * (m - mean_m) for t, m in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return num / den * 60 if den else 0.0


def run_everyday_epsitter(n, interval, seconds):
    """CPU and RSS of epsitter at an everyday load: n targets, each probed every `interval` s."""
    with epsitter_running(target_urls(n, "d"), interval) as (proc, _):
        wait_ready(EPSITTER_PORT)
        time.sleep(5)  # past start-up; the schedule spreads the targets over the interval
        before = probes_done(scrape(EPSITTER_PORT, "/metrics", True)[2])
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
        probes = probes_done(scrape(EPSITTER_PORT, "/metrics", True)[2]) - before
        rss = status_kib(proc.pid, "VmRSS") / 1024
        # Scrape times where Prometheus meets them: while probing at this load, every target's
        # series present. One scrape per second: each renders anew, as probes finish in between.
        times = []
        for _ in range(7):
            time.sleep(1)
            times.append(scrape(EPSITTER_PORT, "/metrics", True)[0] * 1000)
        return {"probes/s": probes / (t1 - t0),
                "CPU % of one core": (cpu1 - cpu0) * 100 / (t1 - t0),
                "RSS MiB": rss,
                "/metrics scrape ms (gzip), median / max of 7": f"{statistics.median(times):.0f} / "
                                                                 f"{max(times):.0f}"}


@contextlib.contextmanager
def blackbox_running():
    """blackbox_exporter with an http_2xx module (timeout as epsitter's), listening; yields
    (process, work directory)."""
    workdir = tempfile.mkdtemp(prefix="epsitter-bench-bb-")
    proc = start_blackbox(subprocess.Popen, workdir, BLACKBOX_PORT)
    try:
        wait_port(BLACKBOX_PORT)
        yield proc, workdir
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def run_everyday_blackbox(n, interval, seconds):
    """The same load on blackbox_exporter, paced as Prometheus paces it: n probes per interval."""
    with blackbox_running() as (proc, _):
        step = interval / n
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        done = 0
        while time.monotonic() - t0 < seconds:
            planned = t0 + done * step
            time.sleep(max(0.0, planned - time.monotonic()))
            target = f"http://127.0.0.1:{NGINX_PORT}/d{done % n}"
            scrape(BLACKBOX_PORT, f"/probe?module=http_2xx&target={target}", True)
            done += 1
        cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
        return {"probes/s": done / (t1 - t0),
                "CPU % of one core": (cpu1 - cpu0) * 100 / (t1 - t0),
                "RSS MiB": status_kib(proc.pid, "VmRSS") / 1024,
                "/metrics scrape ms (gzip), median / max of 7": "n/a (one /probe per target)"}


WRK_SCRIPT = """
local n = tonumber(os.getenv("BENCH_N"))
local hang = os.getenv("BENCH_HANG_PORT")
local counter = 0
local thread_offset = 0
function setup(thread)
  thread:set("thread_offset", thread_offset)
  thread_offset = thread_offset + 7919
end
function request()
  counter = counter + 1
  local i = (counter + thread_offset) % n
  local port = "NGINX_PORT"
  if hang ~= "" and i % 10 == 0 then port = hang end
  return wrk.format("GET", "/probe?module=http_2xx&target=http://127.0.0.1:" .. port .. "/b" .. i)
end
""".replace("NGINX_PORT", str(NGINX_PORT))


def run_blackbox(nginx, n, duration, hang_port=None):
    with blackbox_running() as (proc, workdir):
        script = os.path.join(workdir, "probe.lua")
        open(script, "w").write(WRK_SCRIPT)
        env = dict(os.environ, BENCH_N=str(n), BENCH_HANG_PORT=str(hang_port or ""))
        offset = log_offset(nginx)
        cpu0, wall0 = cpu_seconds(proc.pid), time.time()
        out = subprocess.run(["wrk", "-t2", "-c64", f"-d{duration}s", "--timeout", f"{TIMEOUT + 2}s",
                              "-s", script, f"http://127.0.0.1:{BLACKBOX_PORT}"],
                             env=env, capture_output=True, text=True, check=True).stdout
        cpu1, wall1 = cpu_seconds(proc.pid), time.time()
        rate = float(re.search(r"Requests/sec:\s+(\S+)", out).group(1))
        probes = rate * duration
        arrivals = arrivals_since(nginx, offset, "/b", (wall0, wall1))
        fast_rate = sum(len(v) for v in arrivals.values()) / (wall1 - wall0)
        _, size, _ = scrape(BLACKBOX_PORT, f"/probe?module=http_2xx&target=http://127.0.0.1:{NGINX_PORT}/x",
                            True)
        return {
            "probes/s": rate,
            "fast targets probed/s (expected)": f"{fast_rate:.0f} (as fast as it can)",
            "CPU ms per probe": (cpu1 - cpu0) * 1000 / max(probes, 1),
            "CPU % of one core": (cpu1 - cpu0) * 100 / duration,
            "RSS MiB while probing, scraped with gzip":
                f"{status_kib(proc.pid, 'VmRSS') / 1024:.0f} (no /metrics)",
            "peak RSS MiB (start-up and gzip scrapes / plain scrape / reloads)":
                f"{status_kib(proc.pid, 'VmHWM') / 1024:.0f}",
            "/metrics scrape ms (gzip)": "n/a (one /probe per target)",
            "/metrics bytes (gzip / plain)": f"{size:,} per /probe",
            "start jitter p50 / p99 ms": "n/a (Prometheus schedules)",
            "p99 start delay, epsitter's own histogram": "n/a",
            "start-up to ready s": "n/a",
            "reload (nothing / one target changed)": "n/a",
        }


def wrk_ceiling(duration):
    rows = {}
    for name, headers in (("new connection", ["-H", "Connection: close"]), ("keep-alive", [])):
        out = sh("wrk", "-t2", "-c64", f"-d{duration}s", *headers, f"http://127.0.0.1:{NGINX_PORT}/w")
        rows[name] = float(re.search(r"Requests/sec:\s+(\S+)", out).group(1))
    return rows


def titled(title, columns):
    return f"### {title}\n\n" + table(columns)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--duration", type=int, default=15, help="seconds measured per run")
    parser.add_argument("--skip-blackbox", action="store_true")
    parser.add_argument("--write", action="store_true", help="rewrite bench/RESULTS.md")
    parser.add_argument("--everyday", type=int, default=30, metavar="SECONDS",
                        help="seconds measured at 1,000 targets every 30 s (0 skips it)")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS",
                        help="also run the largest size for SECONDS and report RSS over time")
    parser.add_argument("--soak-only", action="store_true",
                        help="run only the soak (with --soak), not the other scenarios")
    parser.add_argument("--soak-interval", type=float, default=30, metavar="SECONDS",
                        help="POLL_INTERVAL of the soak (default 30: the everyday load)")
    parser.add_argument("--reloads", type=int, default=5, metavar="N",
                        help="reloads of each kind while each size is probed every second (0 "
                             "skips them)")
    parser.add_argument("--reload-interval", type=float, default=INTERVAL, metavar="SECONDS",
                        help="POLL_INTERVAL while reloading (default 1)")
    parser.add_argument("--reloads-only", action="store_true",
                        help="run only the reloads while probing (nginx alone is needed), print them")
    args = parser.parse_args()
    if args.reloads_only and (args.write or args.soak or not args.reloads):
        sys.exit("--reloads-only only prints: no --write, --soak or --reloads 0")
    for tool in ("nginx",) if args.reloads_only else ("nginx", "wrk", "prometheus-blackbox-exporter"):
        if not shutil.which(tool):
            sys.exit(f"missing {tool}: apt-get install nginx-light wrk prometheus-blackbox-exporter")
    raise_open_files_limit()

    require_free_ports((NGINX_PORT, EPSITTER_PORT, BLACKBOX_PORT))
    out = []
    if args.soak_only and not args.soak:
        sys.exit("--soak-only needs --soak SECONDS")
    with Nginx(log=ACCESS_LOG) as nginx:
        if not args.soak_only and not args.reloads_only:
            ceiling = wrk_ceiling(5)
            out.append(f"Loopback ceiling (wrk, 64 connections, nginx): {ceiling['new connection']:,.0f} "
                       f"requests/s with a new connection each, {ceiling['keep-alive']:,.0f} with keep-alive.\n")
            for n in (int(s) for s in args.sizes.split(",")):
                for hanging in (False, True):
                    with HangingPort() as hang:
                        port = hang.port if hanging else None
                        columns = {"epsitter": run_epsitter(nginx, n, args.duration, port)}
                        if not args.skip_blackbox:
                            columns["blackbox_exporter"] = run_blackbox(nginx, n, args.duration, port)
                    title = f"{n:,} targets" + (", 10% hanging until their 5 s timeout" if hanging else "")
                    out.append(titled(title, columns))
                    print(out[-1], flush=True)
            for n in (int(s) for s in args.sizes.split(",") if args.everyday):
                interval = 30
                columns = {"epsitter": run_everyday_epsitter(n, interval, args.everyday)}
                if not args.skip_blackbox:
                    columns["blackbox_exporter"] = run_everyday_blackbox(n, interval, args.everyday)
                out.append(titled(f"Everyday load: {n:,} targets, each probed every {interval} s "
                                  f"(measured over {args.everyday} s)", columns))
                print(out[-1], flush=True)
        for n in (int(s) for s in args.sizes.split(",") if args.reloads and not args.soak_only):
            every = args.reload_interval
            columns = {"epsitter": run_reloads_while_probing(n, args.reloads, every)}
            out.append(titled(f"{n:,} targets, each probed every {every:g} s, reloaded "
                              f"{2 * args.reloads} times one after the other", columns))
            print(out[-1], flush=True)
        if args.soak:
            n = max(int(s) for s in args.sizes.split(","))
            samples, peak = run_soak(n, args.soak, args.soak_interval)
            rss = [mib for _, mib in samples]
            lines = [f"### Soak: {n:,} targets, each probed every {args.soak_interval:g} s, "
                     f"for {args.soak / 60:.0f} minutes, scraped with gzip every 15 s", "",
                     f"RSS MiB: first sample {rss[0]:.1f}, last {rss[-1]:.1f}, "
                     f"min {min(rss):.1f}, max {max(rss):.1f} ({len(rss)} samples, one a minute); "
                     f"trend after the first 5 minutes {slope_mib_per_hour(samples):+.2f} MiB/hour; "
                     f"peak (VmHWM, start-up included) {peak:.1f}.", "",
                     "| minute | RSS MiB |", "|---|---|"]
            step = max(1, len(samples) // 12)
            lines += [f"| {minute:.0f} | {mib:.1f} |" for minute, mib in samples[::step]]
            out.append("\n".join(lines) + "\n")
            print(out[-1], flush=True)

    run = f"Run {datetime.date.today()} on {machine()}, by "
    if args.reloads_only:
        return
    if args.soak_only:
        header = (f"# Soak results\n\n{run}`bench/run_bench.py --sizes {args.sizes} --soak "
                  f"{args.soak} --soak-only --soak-interval {args.soak_interval:g}`. epsitter: "
                  f"POOL_SIZE=2, timeout {TIMEOUT} s, fresh connection per probe, against nginx on "
                  "loopback.\n\n")
    else:
        header = (f"# Benchmark results\n\n{run}"
                  f"`bench/run_bench.py --sizes {args.sizes} --duration {args.duration}`. epsitter: "
                  f"POLL_INTERVAL={INTERVAL:g}, POOL_SIZE=2, timeout {TIMEOUT} s, fresh connection per "
                  f"probe, scraped with gzip every {SCRAPE_EVERY} s while measured. Start jitter: each "
                  "probe's distance from its target's median phase in nginx's log. "
                  f"blackbox_exporter: 64 probes in flight, timeout {TIMEOUT} s.\n\n")
    text = header + "\n".join(out)
    print(text)
    if args.write:
        # A soak on its own (an hour) keeps its own file rather than replace the scenarios' tables.
        name = "SOAK.md" if args.soak_only else "RESULTS.md"
        path = os.path.join(HERE, name)
        # bench/whole_bill.py's section (between its markers) is another run's: it stays.
        kept = re.search(re.escape(WHOLE_BILL_BEGIN) + ".*?" + re.escape(WHOLE_BILL_END) + "\n",
                         open(path).read() if os.path.exists(path) else "", re.S)
        open(path, "w").write(text + ("\n" + kept.group(0) if kept else ""))


if __name__ == "__main__":
    main()
