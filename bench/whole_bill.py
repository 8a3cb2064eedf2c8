#!/usr/bin/env python3
"""The whole bill: each prober and the Prometheus that stores its results, side by side, in one run.

Run by hand (not in CI), as root on a Debian bookworm machine with nginx-light, prometheus (2.42),
prometheus-blackbox-exporter (0.23) and a release epsitter (EPSITTER_BIN):
    bench/whole_bill.py                         # 10,000 targets, 5 minutes per scenario, printed
    bench/whole_bill.py --write                 # also puts the table into bench/RESULTS.md
    bench/whole_bill.py --targets 1000 --minutes 1 --warmup 20 --perf 0   # a quick try

Everything runs on 127.0.0.1, one scenario after the other, each for the same minutes, N targets
(nginx, bench/nginx.conf, logging each request's time) each probed every 15 s:
  a) epsitter (POOL_SIZE=2, fresh connection per probe, timeout 5 s) scraped every 15 s by a real
     Prometheus with its own TSDB;
  b) the same, Prometheus started with --enable-feature=native-histograms (it then asks for the
     protobuf exposition; a binary that answers text only makes this row the same as a));
  c) blackbox_exporter (http_2xx, timeout 5 s, fresh connection per probe) scraped by the same
     Prometheus version at /probe for the same N targets every 15 s, configured as the Prometheus
     Operator renders a Probe (static targets; __address__ -> __param_target -> instance;
     __address__ = the exporter);
  d) bench/bare_curl (libcurl's multi interface and nothing else) on the same schedule, no
     Prometheus.
Measured over the same steady-state window in each (after --warmup s): probes done (counted in
nginx's log, so alike for all four) against those planned, the prober's CPU (/proc/PID/stat) per
probe and as a share of one core, its RSS and peak; Prometheus' CPU, RSS and peak, its head series
and samples appended per second (its own /metrics, read directly so that no self-scrape adds
series), the samples each scrape brings per target (scrape_samples_scraped) and its scrapes'
success and duration; bytes scraped per minute are measured after the window by scraping the prober
as that Prometheus asks (its Accept header), plain and gzip, times the scrapes per minute.
With --perf S, epsitter is profiled (perf record --call-graph dwarf) for S s after a)'s window.
"""

import argparse
import contextlib
import datetime
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

from common import (ACCEPT_PROTOBUF, HERE, ROOT, TIMEOUT, WHOLE_BILL_BEGIN, WHOLE_BILL_END, Nginx,
                    cpu_seconds, epsitter_binary, get, machine, raise_open_files_limit,
                    require_free_ports, start_blackbox, start_epsitter, status_kib, table,
                    target_urls, wait_http, wait_port, wait_ready)

# Ports apart from run_bench.py's, so that both may run on one machine without meeting.
NGINX_PORT = 28080
EPSITTER_PORT = 28989
BLACKBOX_PORT = 29115
PROMETHEUS_PORT = 29090
INTERVAL = 15  # s: every target's probe interval and Prometheus' scrape interval
BEGIN, END = WHOLE_BILL_BEGIN, WHOLE_BILL_END
# What Prometheus 2.42 sends (scrape/scrape.go) without native histograms: OpenMetrics first.
ACCEPT_TEXT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
               "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
SCENARIOS = {
    "a": "a) epsitter + Prometheus",
    "b": "b) epsitter + Prometheus, native histograms on",
    "c": "c) blackbox_exporter + Prometheus (Probe CRD)",
    "d": "d) bare_curl",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=10_000, help="targets, each every 15 s")
    parser.add_argument("--minutes", type=float, default=5, help="minutes per scenario")
    parser.add_argument("--warmup", type=float, default=60,
                        help="seconds of each scenario left out of the measured window")
    parser.add_argument("--scenarios", default="abcd", help="which of a b c d to run")
    parser.add_argument("--perf", type=float, default=30, metavar="SECONDS",
                        help="perf record epsitter for SECONDS after a)'s window (0: no profile)")
    parser.add_argument("--bare-curl", default=os.path.join(ROOT, "build/bench/bare_curl"),
                        help="the bare_curl binary")
    parser.add_argument("--note", default="", help="a sentence on the machine's state for --write")
    parser.add_argument("--write", action="store_true",
                        help="put the table into bench/RESULTS.md (its own section; nothing else "
                             "in the file changes)")
    args = parser.parse_args(argv)
    if args.targets < 1 or args.minutes <= 0 or not 0 <= args.warmup < args.minutes * 60:
        parser.error("--targets >= 1, --minutes > 0 and 0 <= --warmup < the scenario's seconds")
    if not args.scenarios or set(args.scenarios) - set(SCENARIOS):
        parser.error("--scenarios takes letters among a, b, c and d")
    return args


class Processes:
    """Every process started here, each in its own process group, all ended on the way out."""

    def __init__(self):
        self.procs = []

    def start(self, argv, **kwargs):
        proc = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def stop(self, proc, sig=signal.SIGTERM):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop_all(self):
        for proc in reversed(self.procs):
            self.stop(proc)


def scraped_bytes(url, accept):
    """The body as a scraper asking with `accept` gets it: (plain bytes, gzip bytes on the wire)."""
    plain, _ = get(url, {"Accept": accept})
    body, encoding = get(url, {"Accept": accept, "Accept-Encoding": "gzip"})
    wire = len(body) if encoding == "gzip" else len(gzip.compress(body))
    return len(plain), wire


def metric_sum(text, name):
    """The sum of every sample of `name` in a text exposition."""
    pattern = re.compile(rf"^{re.escape(name)}(?:\{{[^}}]*\}})? (\S+)", re.M)
    return sum(float(value) for value in pattern.findall(text))


class Prometheus:
    def __init__(self, procs, workdir, scrape_configs, native_histograms):
        self.url = f"http://127.0.0.1:{PROMETHEUS_PORT}"
        config = os.path.join(workdir, "prometheus.yml")
        with open(config, "w") as f:
            json.dump({"global": {"scrape_interval": f"{INTERVAL}s", "scrape_timeout": "10s"},
                       "scrape_configs": scrape_configs}, f)  # JSON is YAML
        argv = ["prometheus", f"--config.file={config}",
                f"--storage.tsdb.path={os.path.join(workdir, 'tsdb')}",
                "--storage.tsdb.retention.time=1h", f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}",
                "--log.level=warn"]
        if native_histograms:
            argv.append("--enable-feature=native-histograms")
        self.proc = procs.start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(self.url + "/-/ready")

    def own(self, name):
        return metric_sum(get(self.url + "/metrics")[0].decode(), name)

    def query(self, expression):
        """An instant query's single value (the sum when it yields several), or None."""
        body, _ = get(self.url + "/api/v1/query?" + urllib.parse.urlencode({"query": expression}))
        result = json.loads(body)["data"]["result"]
        return sum(float(r["value"][1]) for r in result) if result else None


def epsitter_prober(procs, workdir, targets):
    proc, _ = start_epsitter(procs.start, epsitter_binary(), workdir, targets, INTERVAL,
                             EPSITTER_PORT)
    wait_ready(EPSITTER_PORT, timeout=300)
    return proc


def blackbox_prober(procs, workdir):
    proc = start_blackbox(procs.start, workdir, BLACKBOX_PORT)
    wait_port(BLACKBOX_PORT)
    return proc


def probe_job(targets):
    """A scrape config as the Prometheus Operator renders a Probe with static targets."""
    return {
        "job_name": "probe/bench/http-2xx",
        "metrics_path": "/probe",
        "params": {"module": ["http_2xx"]},
        "static_configs": [{"targets": targets, "labels": {"namespace": "bench"}}],
        "relabel_configs": [
            {"source_labels": ["job"], "target_label": "__tmp_prometheus_job_name"},
            {"source_labels": ["__address__"], "target_label": "__param_target"},
            {"source_labels": ["__param_target"], "target_label": "instance"},
            {"target_label": "__address__", "replacement": f"127.0.0.1:{BLACKBOX_PORT}"},
        ],
    }


def profile(pid, seconds, workdir):
    """perf record epsitter for `seconds`; the top of its profile as text lines, or a reason."""
    if not shutil.which("perf"):
        return ["perf is not installed (apt-get install linux-perf)"]
    data = os.path.join(workdir, "perf.data")
    record = subprocess.run(["perf", "record", "-F", "999", "--call-graph", "dwarf,16384", "-p", str(pid),
                             "-o", data, "--", "sleep", str(seconds)], capture_output=True, text=True)
    if record.returncode != 0 or not os.path.exists(data):
        return [f"perf record failed: {record.stderr.strip()[-300:]}"]
    lines = []
    # By thread first: the engine thread does what bare_curl does; the CAF workers, the web
    # server's and the renderers' threads are what epsitter adds.
    for title, sort, limit in (("self time by thread", "comm", 0.5), ("self time by library", "dso", 0.5),
                               ("self time by function", "dso,sym", 0.8)):
        report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio", "-g", "none",
                                 "--sort", sort, "--percent-limit", str(limit)],
                                capture_output=True, text=True, timeout=600)
        rows = [l.rstrip() for l in report.stdout.splitlines() if l.strip() and not l.startswith("#")]
        lines += [f"{title}:"] + rows[:20]
    return lines


def measure(procs, nginx, prefix, n, args, prober, prometheus=None, scrape_url=None, accept=None,
            per_target_body=False):
    """One scenario's figures over its window; the prober (and Prometheus) are already running."""
    window = args.minutes * 60 - args.warmup
    time.sleep(args.warmup)
    offset = nginx.offset()
    wall0, t0 = time.time(), time.monotonic()
    cpu0 = cpu_seconds(prober.pid)
    if prometheus:
        prom_cpu0 = cpu_seconds(prometheus.proc.pid)
        appended0 = prometheus.own("prometheus_tsdb_head_samples_appended_total")
    time.sleep(window)
    t1, wall1 = time.monotonic(), time.time()
    cpu1 = cpu_seconds(prober.pid)
    row = {}
    if prometheus:
        prom_cpu1 = cpu_seconds(prometheus.proc.pid)
        appended1 = prometheus.own("prometheus_tsdb_head_samples_appended_total")
        head = prometheus.own("prometheus_tsdb_head_series")
        seconds = int(window)
        samples = prometheus.query(f"sum(avg_over_time(scrape_samples_scraped[{seconds}s]))")
        up = prometheus.query(f"avg(avg_over_time(up[{seconds}s]))")
        duration = prometheus.query(f"avg(avg_over_time(scrape_duration_seconds[{seconds}s]))")
        longest = prometheus.query(f"max(max_over_time(scrape_duration_seconds[{seconds}s]))")
    rss = status_kib(prober.pid, "VmRSS") / 1024
    peak = status_kib(prober.pid, "VmHWM") / 1024
    time.sleep(1.5)  # the log buffer is flushed every second
    probes = len(nginx.requests(offset, "/" + prefix, (wall0, wall1)))
    planned = n * (t1 - t0) / INTERVAL
    row["probes done / planned in the window"] = f"{probes:,} / {planned:,.0f} ({probes / planned:.1%})"
    row["prober CPU ms per probe"] = (cpu1 - cpu0) * 1000 / max(probes, 1)
    row["prober CPU % of one core"] = (cpu1 - cpu0) * 100 / (t1 - t0)
    row["prober RSS / peak MiB"] = f"{rss:.0f} / {peak:.0f}"
    row["machine load average (1 min) at the window's end"] = f"{os.getloadavg()[0]:.1f}"
    if prometheus:
        scrapes_per_minute = 60 / INTERVAL
        plain, wire = scraped_bytes(scrape_url, accept)
        if per_target_body:  # one /probe body stands for each target's: they are alike
            plain, wire = plain * n, wire * n
        prom_rss = status_kib(prometheus.proc.pid, "VmRSS") / 1024
        prom_peak = status_kib(prometheus.proc.pid, "VmHWM") / 1024
        row["Prometheus CPU % of one core"] = (prom_cpu1 - prom_cpu0) * 100 / (t1 - t0)
        row["Prometheus RSS / peak MiB"] = f"{prom_rss:.0f} / {prom_peak:.0f}"
        row["Prometheus head series"] = f"{head:,.0f}"
        row["head series per target"] = head / n
        row["samples scraped per target per scrape"] = (samples or 0) / n
        row["samples appended/s"] = (appended1 - appended0) / (t1 - t0)
        row["MB scraped per minute (plain / gzip)"] = (f"{plain * scrapes_per_minute / 1e6:.1f} / "
                                                       f"{wire * scrapes_per_minute / 1e6:.1f}")
        row["scrapes up; duration avg / max s"] = (f"{(up or 0):.1%}; {(duration or 0):.3f} / "
                                                   f"{(longest or 0):.3f}")
    return row


def run_scenario(letter, nginx, args, perf_lines):
    n = args.targets
    procs = Processes()
    workdir = tempfile.mkdtemp(prefix=f"epsitter-whole-bill-{letter}-")
    try:
        targets = target_urls(n, letter, port=NGINX_PORT)
        if letter in "ab":
            prober = epsitter_prober(procs, workdir, targets)
            prometheus = Prometheus(procs, workdir, [{
                "job_name": "epsitter", "static_configs": [{"targets": [f"127.0.0.1:{EPSITTER_PORT}"]}]}],
                native_histograms=letter == "b")
            row = measure(procs, nginx, letter, n, args, prober, prometheus,
                          f"http://127.0.0.1:{EPSITTER_PORT}/metrics",
                          ACCEPT_PROTOBUF if letter == "b" else ACCEPT_TEXT)
            if letter == "a" and args.perf > 0:
                perf_lines.extend(profile(prober.pid, args.perf, workdir))
            return row
        if letter == "c":
            prober = blackbox_prober(procs, workdir)
            prometheus = Prometheus(procs, workdir, [probe_job(targets)], native_histograms=False)
            one = urllib.parse.urlencode({"module": "http_2xx", "target": targets[0]})
            return measure(procs, nginx, letter, n, args, prober, prometheus,
                           f"http://127.0.0.1:{BLACKBOX_PORT}/probe?{one}", ACCEPT_TEXT,
                           per_target_body=True)
        url_file = os.path.join(workdir, "urls")
        open(url_file, "w").write("\n".join(targets) + "\n")
        prober = procs.start([args.bare_curl, "--interval", str(INTERVAL), "--timeout", str(TIMEOUT),
                              "--duration", str(args.minutes * 60 + 5), "--file", url_file],
                             stdout=subprocess.DEVNULL)
        row = measure(procs, nginx, letter, n, args, prober)
        return row
    finally:
        procs.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


def ratios(columns):
    cost = {n: c["prober CPU ms per probe"] for n, c in columns.items()}
    lines = []
    if "a" in cost and "d" in cost:
        lines.append(f"- epsitter's CPU per probe is {cost['a'] / cost['d']:.2f}x bare_curl's "
                     f"(goal: within 1.5x).")
    if "b" in cost and "d" in cost:
        lines.append(f"- with native histograms, {cost['b'] / cost['d']:.2f}x bare_curl's.")
    if "c" in cost and "a" in cost:
        lines.append(f"- blackbox_exporter's CPU per probe is {cost['c'] / cost['a']:.1f}x epsitter's "
                     f"(goal: at least 10x).")
    if "c" in cost and "d" in cost:
        # The floor: no prober doing the same work (a fresh connection per probe) costs less than
        # the bare loop, so no ratio to blackbox_exporter can exceed this one.
        lines.append(f"- blackbox_exporter's CPU per probe is {cost['c'] / cost['d']:.1f}x bare_curl's: "
                     f"the most any prober doing the same work could be below it.")
    return "\n".join(lines) + ("\n" if lines else "")


def write_results(section):
    path = os.path.join(HERE, "RESULTS.md")
    text = open(path).read()
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    open(path, "w").write(text)


def main():
    args = parse_args()
    needed = {"nginx": "nginx-light", "prometheus": "prometheus",
              "prometheus-blackbox-exporter": "prometheus-blackbox-exporter"}
    for tool, package in needed.items():
        if not shutil.which(tool):
            sys.exit(f"missing {tool}: apt-get install {package}")
    if "d" in args.scenarios and not os.access(args.bare_curl, os.X_OK):
        sys.exit(f"no {args.bare_curl}: build it (ninja -C build bench/bare_curl) or pass --bare-curl")
    require_free_ports((NGINX_PORT, EPSITTER_PORT, BLACKBOX_PORT, PROMETHEUS_PORT))
    raise_open_files_limit()

    columns, perf_lines = {}, []
    workdir = tempfile.mkdtemp(prefix="epsitter-whole-bill-")
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        with Nginx(NGINX_PORT, log=os.path.join(workdir, "access.log")) as nginx:
            for letter in args.scenarios:
                columns[letter] = run_scenario(letter, nginx, args, perf_lines)
                print(f"{SCENARIOS[letter]}: {columns[letter]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    shown = [a for a in sys.argv[1:] if a != "--write"]
    if "--note" in shown:  # the note is printed as prose, not as part of the command
        del shown[shown.index("--note"):shown.index("--note") + 2]
    command = " ".join(["bench/whole_bill.py"] + shown)
    section = (f"## The whole bill: each prober and the Prometheus that stores its results\n\n"
               f"Run {started:%Y-%m-%d %H:%M} UTC on {machine()}, by `{command}`: "
               f"{args.targets:,} nginx targets on loopback, each probed every {INTERVAL} s (fresh "
               f"connection, timeout {TIMEOUT} s), Prometheus 2.42 scraping every {INTERVAL} s; each "
               f"scenario {args.minutes:g} min, measured after the first {args.warmup:g} s. "
               f"{args.note}\n\n" + table(columns, SCENARIOS) + "\n" + ratios(columns))
    if perf_lines:
        section += ("\nThe top of epsitter's profile during a) (`perf record --call-graph dwarf`, "
                    f"{args.perf:g} s after the window):\n\n```\n" + "\n".join(perf_lines) + "\n```\n")
    print(section)
    if args.write:
        write_results(section)


if __name__ == "__main__":
    main()
