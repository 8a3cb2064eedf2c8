"""What the bench scripts share: starting nginx, epsitter and blackbox_exporter on loopback,
reading a process's CPU and RSS, waiting for ports, scraping /metrics and reading epsitter's own
histograms, and printing Markdown tables. Not a script: run_bench.py, capacity.py, scrape_cost.py
and whole_bill.py import it from their own directory.
"""

import contextlib
import gzip
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# run_bench.py's and capacity.py's ports; whole_bill.py and scrape_cost.py pick others, so that
# they may run beside them.
NGINX_PORT = 18080  # bench/nginx.conf's
EPSITTER_PORT = 18989
BLACKBOX_PORT = 19115
ACCESS_LOG = "/tmp/epsitter-bench-access.log"  # where their nginx logs each request
TIMEOUT = 5  # s: every probe's timeout
# What Prometheus 2.42 sends (scrape/scrape.go) with --enable-feature=native-histograms: protobuf
# first.
ACCEPT_PROTOBUF = ("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                   "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
                   "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
                   "q=0.5,*/*;q=0.1")
# whole_bill.py's section of bench/RESULTS.md, which run_bench.py --write keeps.
WHOLE_BILL_BEGIN, WHOLE_BILL_END = "<!-- whole_bill.py: begin -->", "<!-- whole_bill.py: end -->"


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def status_kib(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def raise_open_files_limit():
    """Up to the hard limit: 10,000 targets probed at once are as many sockets."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def require_free_ports(ports):
    for port in ports:
        if not port_free(port):
            sys.exit(f"port {port} is in use: stop what listens there first")


def free_port():
    """A loopback port that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def wait_http(url, timeout=120, every=0.2):
    """Seconds until `url` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(every)
    raise RuntimeError(f"{url} did not answer 200 in {timeout} s")


def wait_ready(port, timeout=60):
    """Seconds until epsitter's /-/ready answers 200: config loaded and every target scheduled."""
    return wait_http(f"http://127.0.0.1:{port}/-/ready", timeout, every=0.01)


def get(url, headers=None, timeout=60):
    """One GET: (body as sent, its Content-Encoding)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read(), response.headers.get("Content-Encoding", "")


def fetch(port, path, gzip_ok, accept=None):
    """One GET from loopback: (seconds it took, body as sent, its Content-Encoding)."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    if accept:
        headers["Accept"] = accept
    started = time.perf_counter()
    body, encoding = get(f"http://127.0.0.1:{port}{path}", headers, timeout=30)
    return time.perf_counter() - started, body, encoding


def scrape(port, path, gzip_ok):
    """(seconds, bytes as sent, text inflated)."""
    elapsed, body, encoding = fetch(port, path, gzip_ok)
    text = gzip.decompress(body) if encoding == "gzip" else body
    return elapsed, len(body), text.decode()


def scrape_while_probing(port, seconds, every):
    """Scrapes /metrics with gzip every `every` s for `seconds`, as Prometheus would while the
    targets are probed: the seconds each took, and the bytes. The body is not inflated here, so
    that the benchmark's own work stays out of the cores being measured."""
    times, size = [], 0
    deadline = time.monotonic() + seconds
    while deadline - time.monotonic() > 0:
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))
        if deadline - time.monotonic() >= 0.2:  # no scrape at the window's very end
            elapsed, body, _ = fetch(port, "/metrics", True)
            times.append(elapsed)
            size = len(body)
    return times, size


def posted_reload(port):
    """One POST /-/reload (it answers once the diff is applied): (seconds, targets restarted)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/-/reload", method="POST",
                                     headers={"X-Epsitter-Reload": "1"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = response.read().decode()
    elapsed = time.perf_counter() - started
    # The answer ends with the supervisor's diff: "targets=N started=N kept=N stopped=N".
    return elapsed, int(re.search(r"started=(\d+)", answer).group(1))


def probes_done(text):
    return sum(float(m.group(1)) for m in
               re.finditer(r"^\w+_request_time_count\{[^}]*\} (\S+)$", text, re.M))


def start_delay_buckets(text):
    """epsitter's own sitter_probe_start_delay_seconds buckets: {upper bound: cumulative count}."""
    return {float(m.group(1)): float(m.group(2)) for m in
            re.finditer(r'^\w+_probe_start_delay_seconds_bucket\{le="([^"]+)"\} (\S+)$', text, re.M)}


def started_between(before, after):
    """{upper bound: cumulative count} of the probes started between two scrapes."""
    first, last = start_delay_buckets(before), start_delay_buckets(after)
    return {bound: last[bound] - first.get(bound, 0) for bound in last}


def own_delay_p99_ms(before, after):
    """The 99th percentile (ms) of the start delays of the probes started between two scrapes, as
    Prometheus' histogram_quantile estimates it: linear within the bucket that holds it."""
    started = started_between(before, after)
    total = started.get(float("inf"), 0)
    if total <= 0:
        return None
    rank = 0.99 * total
    lower, below = 0.0, 0
    for bound, count in sorted(started.items()):
        if count >= rank:
            if bound == float("inf"):
                return lower * 1000
            return (lower + (bound - lower) * (rank - below) / max(count - below, 1)) * 1000
        lower, below = bound, count
    return None


class Nginx:
    """nginx serving bench/nginx.conf (200 for any path) on 127.0.0.1:port from a work directory
    of its own; with `log`, it logs each request's time and path there (flushed every second)."""

    def __init__(self, port=NGINX_PORT, log=None):
        self.port, self.log = port, log

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="epsitter-bench-nginx-")
        conf = open(os.path.join(HERE, "nginx.conf")).read()
        conf = conf.replace("127.0.0.1:18080", f"127.0.0.1:{self.port}")
        conf = conf.replace("/tmp/epsitter-bench-nginx", os.path.join(self.dir, "nginx"))
        if self.log:
            conf = conf.replace("access_log off;", "log_format t '$msec $uri';\n"
                                                   f"  access_log {self.log} t buffer=512k flush=1s;")
            if os.path.exists(self.log):
                os.unlink(self.log)
        path = os.path.join(self.dir, "nginx.conf")
        open(path, "w").write(conf)
        self.proc = subprocess.Popen(["nginx", "-c", path, "-p", self.dir])
        try:
            wait_port(self.port)
        except BaseException:
            self.__exit__()
            raise
        return self

    def offset(self):
        """Where the log ends now: what is logged from here on is read from there."""
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0

    def requests(self, offset, prefix, window):
        """[(path, time)] of the requests logged since byte `offset` whose path starts with prefix
        and whose time falls in window (wall-clock start, end). The log buffer is flushed every
        second: wait that long after the window before asking."""
        seen = []
        with open(self.log) as f:
            f.seek(offset)
            for line in f:
                parts = line.split()
                if (len(parts) == 2 and parts[1].startswith(prefix)
                        and window[0] <= float(parts[0]) < window[1]):
                    seen.append((parts[1], float(parts[0])))
        return seen

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def target_urls(n, prefix, hang_port=None, port=NGINX_PORT):
    """n targets on nginx; with hang_port, every tenth on that port instead."""
    urls = []
    for i in range(n):
        if hang_port and i % 10 == 0:
            urls.append(f"http://127.0.0.1:{hang_port}/{prefix}{i}")
        else:
            urls.append(f"http://127.0.0.1:{port}/{prefix}{i}")
    return urls


def write_config(path, urls):
    with open(path, "w") as f:
        f.write("urls:\n")
        for i, url in enumerate(urls):
            f.write(f"  t{i}:\n    namespace: bench\n    url: {url}\n    timeout: {TIMEOUT}\n")


def epsitter_binary():
    """The release build measured: EPSITTER_BIN, else the one bench/run builds."""
    return os.environ.get("EPSITTER_BIN", os.path.join(ROOT, "build-release/src/epsitter"))


def start_epsitter(popen, binary, workdir, urls, interval, port):
    """`binary` probing `urls` every `interval` s with POOL_SIZE=2, serving on `port`, started by
    `popen` (subprocess.Popen or a wrapper of it); (process, its config file in workdir)."""
    config = os.path.join(workdir, "sitter.yaml")
    write_config(config, urls)
    env = dict(os.environ, POLL_INTERVAL=str(interval), SERVER_PORT=str(port), LOG_LEVEL="ERROR",
               POOL_SIZE="2")
    # --no-watch: the reloads measured are the POSTs, not the file watcher's.
    return popen([binary, "--no-watch", config], env=env), config


@contextlib.contextmanager
def epsitter_running(urls, interval, port=EPSITTER_PORT, binary=None):
    """epsitter (`binary`, else epsitter_binary()) probing `urls` every `interval` s; yields
    (process, config path). Not waited for: callers time its start-up with wait_ready()."""
    workdir = tempfile.mkdtemp(prefix="epsitter-bench-")
    proc, config = start_epsitter(subprocess.Popen, binary or epsitter_binary(), workdir, urls,
                                  interval, port)
    try:
        yield proc, config
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def start_blackbox(popen, workdir, port):
    """blackbox_exporter with an http_2xx module (timeout as epsitter's) on `port`, its config in
    workdir, started by `popen` and not waited for."""
    config = os.path.join(workdir, "blackbox.yml")
    with open(config, "w") as f:
        f.write(f"modules:\n  http_2xx:\n    prober: http\n    timeout: {TIMEOUT}s\n"
                "    http:\n      preferred_ip_protocol: ip4\n")
    return popen(["prometheus-blackbox-exporter", f"--config.file={config}",
                  f"--web.listen-address=127.0.0.1:{port}", "--log.level=error"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def machine():
    """"N cores (CPU model), platform", for a results file's header."""
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    return (f"{os.cpu_count()} cores ({cpu.group(1) if cpu else platform.machine()}), "
            f"{platform.platform()}")


def fmt(value):
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return str(value)


def table(columns, headers=None):
    """A Markdown table of {column: {row: value}}: a column each, headed by headers[column] where
    given, and a row for each key any column has ("n/a" in a column without it)."""
    names = list(columns)
    keys = []
    for name in names:
        keys += [k for k in columns[name] if k not in keys]
    heads = [headers[n] if headers else n for n in names]
    lines = ["| | " + " | ".join(heads) + " |", "|---|" + "---|" * len(names)]
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(fmt(columns[n].get(key, "n/a")) for n in names) + " |")
    return "\n".join(lines) + "\n"
