"""Test harness: starts the real epsitter binary and real loopback HTTP servers, scrapes /metrics.

Only the Python standard library is used, so the tests run on a bare Debian machine.
"""

import base64
import http.client
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from scripted import Reply, ScriptedServer

EPSITTER_BIN = os.environ.get("EPSITTER_BIN", "build/src/epsitter")
PROMTOOL = os.environ.get("PROMTOOL", "")
# Whether the binary runs under a sanitizer (meson's b_sanitize): tests scale load and memory
# bounds by it (ASan's quarantine alone keeps up to 256 MiB of freed memory resident).
SANITIZED = os.environ.get("EPSITTER_SANITIZER", "none") not in ("", "none")

# The reasons of sitter_probe_failures_total that mean no HTTP response arrived (the probes counted
# in sitter_http_error_total).
TRANSPORT_REASONS = ("timeout", "dns", "connection_refused", "connect", "tls", "reset", "protocol",
                     "too_many_redirects", "other", "oauth2")

# Sanitizer findings print these; any of them fails the test even if the exit status is 0.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "WARNING: ThreadSanitizer")


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Polls predicate() until it returns something truthy; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def refused_port():
    """A loopback port where nothing listens (bound and closed again; nothing reuses it this fast)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Backend(ScriptedServer):
    """A loopback HTTP server whose `routes` map a path to (status, delay_seconds); unknown paths
    answer 200 "ok". A delay longer than the client's timeout makes a hanging target: the handler
    waits (in its own thread), then answers into a closed socket."""

    def __init__(self, routes=None):
        super().__init__({path: Reply(status, delay=delay)
                          for path, (status, delay) in (routes or {}).items()})


def yaml_quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def assert_promtool_accepts(test, text, silent=False):
    """`promtool check metrics` accepts the exposition text (with `silent`, without a warning).
    Required in CI; elsewhere the check is left out when promtool is not installed."""
    if not PROMTOOL:
        if os.environ.get("CI"):
            test.fail("promtool is required in CI (Debian package prometheus)")
        return
    lint = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                          text=True)
    test.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
    if silent:
        test.assertEqual(lint.stdout + lint.stderr, "")


def basic_auth(user, password):
    """The Authorization header value of HTTP basic auth."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def quiet_config():
    """A config of one target nobody answers (a refused loopback port): epsitter runs, probes
    cheaply, and its own server is what the test looks at."""
    return config_yaml({"x": {"url": f"http://127.0.0.1:{refused_port()}/"}})


def config_yaml(targets):
    """targets: {name: {field: value}}; values are written as YAML flow scalars or maps."""
    lines = ["urls:"]
    for name, fields in targets.items():
        lines.append(f"  {yaml_quote(name)}:")
        for key, value in fields.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{yaml_quote(k)}: {yaml_quote(v)}" for k, v in value.items())
                lines.append(f"    {key}: {{{inner}}}")
            else:
                lines.append(f"    {key}: {yaml_quote(value) if isinstance(value, str) else value}")
    return "\n".join(lines) + "\n"


class Epsitter:
    """The real binary on a config; use as a context manager. Listens on a free port it picks."""

    def __init__(self, config_text, env=None, args=(), preexec_fn=None):
        self.dir = tempfile.TemporaryDirectory(prefix="epsitter-test-")
        self.config_path = os.path.join(self.dir.name, "sitter.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.env = dict(os.environ, SERVER_PORT="0", POLL_INTERVAL="0.5", LOG_LEVEL="INFO")
        self.env.update(env or {})
        self.args = list(args)
        self.preexec_fn = preexec_fn  # runs in the child before exec, e.g. to set a ulimit
        self.stderr_lines = []
        self.port = None
        self.https = False  # the port speaks TLS (a web config with tls_server_config)
        self.process = None

    def start(self):
        self.process = subprocess.Popen([EPSITTER_BIN, *self.args, self.config_path], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=self.preexec_fn)
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()
        wait_until(lambda: self.port or self.process.poll() is not None, timeout=30,
                   message="epsitter to listen")
        if self.port is None:
            raise AssertionError("epsitter exited at start:\n" + self.log())
        return self

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr_lines.append(line)
            found = re.search(r'msg="listening" port=(\d+)', line)
            if found:
                self.https = "https=true" in line
                self.port = int(found.group(1))

    def log(self):
        return "".join(self.stderr_lines)

    def url(self, path="/metrics"):
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}{path}"

    def get(self, path="/metrics", method="GET", headers=None, context=None):
        """Returns (status, headers, body text) of one request to epsitter's own server. `context`:
        the ssl.SSLContext for a port that speaks TLS."""
        request = urllib.request.Request(self.url(path), method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def reload(self, headers=None, context=None):
        """POST /-/reload as a script does it: with the header that no cross-site page can send."""
        return self.get("/-/reload", method="POST", context=context,
                        headers={"X-Epsitter-Reload": "1", **(headers or {})})

    def exchange(self, method, path, headers, body=None, context=None):
        """One request with exactly `headers` (a Host among them is sent as given, not made up);
        returns (status, headers, body text)."""
        if self.https:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10,
                                                     context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host="Host" in headers,
                                  skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def scrape(self):
        status, _, body = self.get("/metrics")
        assert status == 200, status
        return body

    def metrics(self):
        return parse_exposition(self.scrape())

    def value(self, metric, **labels):
        """The value of the one sample `metric` whose labels include `labels`; 0 when absent."""
        matches = [v for (n, l), v in self.metrics().items()
                   if n == metric and all(dict(l).get(k) == str(w) for k, w in labels.items())]
        assert len(matches) <= 1, f"{metric} {labels} matches {len(matches)} series"
        return matches[0] if matches else 0.0

    def probed(self, name, count=1):
        """Whether target `name` has finished at least `count` probes (the original's summary)."""
        return self.value("sitter_request_time_count", name=name) >= count

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Signals epsitter and returns its exit status; fails on a hang or a sanitizer report."""
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"epsitter did not stop within {timeout}s:\n" + self.log())
        self.reader.join(timeout=5)
        self.process.stderr.close()
        self.check_sanitizers()
        parse_log(self.log())  # every line of every run is well-formed logfmt
        return code

    def check_sanitizers(self):
        text = self.log()
        for marker in SANITIZER_MARKERS:
            if marker in text:
                raise AssertionError("sanitizer report:\n" + text)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            code = self.stop()
            if exc[0] is None and code != 0:
                raise AssertionError(f"epsitter exited {code}:\n" + self.log())
        self.dir.cleanup()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(value):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def parse_exposition(text):
    """{(name, tuple of (label, value)): float} for every sample line; fails on a malformed line."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"malformed sample line: {line!r}"
        name, labels, value = match.groups()
        pairs = tuple((k, unescape(v)) for k, v in LABEL.findall(labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


def run_epsitter(args, env=None, timeout=30):
    """Runs the binary to completion (for --check-config, --help, bad config); returns the result."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([EPSITTER_BIN, *args], env=full_env, capture_output=True, text=True,
                          timeout=timeout)


class MeasuredRun:
    """What run_measured saw: exit status, output, the child's own peak RSS and wall time."""

    def __init__(self, returncode, stdout, stderr, peak_rss_kib, seconds):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.peak_rss_kib, self.seconds = peak_rss_kib, seconds


def run_measured(args, env=None, timeout=30):
    """run_epsitter, also measuring that one child's peak RSS (wait4's ru_maxrss, in KiB: unlike
    RUSAGE_CHILDREN it is not the largest of every child this test ever waited for). A run past
    `timeout` is killed and fails the test."""
    full_env = dict(os.environ, **(env or {}))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen([EPSITTER_BIN, *args], env=full_env, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                raise AssertionError(f"{args} did not finish within {timeout}s")
            time.sleep(0.01)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        out.seek(0)
        err.seek(0)
        return MeasuredRun(process.returncode, out.read().decode(), err.read().decode(),
                           usage.ru_maxrss, seconds)


# One logfmt line of epsitter's log: a timestamp, then key=value pairs separated by one space.
# Text values are quoted with only \\ \" \n \r \t \xNN \uNNNN escapes inside; numbers and
# epsitter's own words are bare.
LOG_TIMESTAMP = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z')
LOG_PAIR = re.compile(r' ([a-z_][a-z0-9_]*)=("(?:[^"\\\x00-\x1f\x7f]|\\["\\nrt]|\\x[0-9a-f]{2}'
                      r'|\\u[0-9a-f]{4})*"|[^\s"=\\]+)')
LOG_ESCAPE = re.compile(r'\\(["\\nrt]|x[0-9a-f]{2}|u[0-9a-f]{4})')


def log_unescape(value):
    if not value.startswith('"'):
        return value
    simple = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}
    return LOG_ESCAPE.sub(lambda m: simple.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
                          value[1:-1])


def parse_log_line(line):
    """{key: unescaped value} of one log line; fails unless the whole line is well-formed logfmt
    with `level` and `msg` first and no key twice."""
    text = line.rstrip("\n")
    stamp = LOG_TIMESTAMP.match(text)
    assert stamp, f"log line without a timestamp: {line!r}"
    fields, at = {}, stamp.end()
    while at < len(text):
        pair = LOG_PAIR.match(text, at)
        assert pair and pair.start() == at, f"not logfmt at column {at}: {line!r}"
        key = pair.group(1)
        assert key not in fields, f"field {key} twice: {line!r}"
        fields[key] = log_unescape(pair.group(2))
        at = pair.end()
    assert list(fields)[:2] == ["level", "msg"], f"level and msg do not come first: {line!r}"
    return fields


def parse_log(text):
    """Every line of a run's log, parsed; fails on the first that is not well-formed."""
    return [parse_log_line(line) for line in text.splitlines(keepends=True)]


def main():
    unittest.main(verbosity=2)
