"""Debian's real Prometheus server on loopback, scraping given targets every second; PromQL queries
go through its HTTP API."""

import json
import os
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request

import harness

PROMETHEUS = os.environ.get("PROMETHEUS", shutil.which("prometheus") or "")


class Prometheus:
    """`job` scrapes `targets`; `options` adds to its scrape config (scheme, tls_config,
    basic_auth, ...); `more_jobs` are further scrape configs, whole; `flags` are more command line
    flags (--enable-feature=native-histograms)."""

    def __init__(self, job, targets, metrics_path="/metrics", options=None, more_jobs=(),
                 flags=()):
        self.flags = list(flags)
        self.dir = tempfile.TemporaryDirectory(prefix="epsitter-prometheus-")
        self.port = harness.refused_port()  # free now; Prometheus binds it next
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                       "evaluation_interval": "1s"},
            "scrape_configs": [{"job_name": job, "metrics_path": metrics_path,
                                "static_configs": [{"targets": list(targets)}],
                                **(options or {})}, *more_jobs],
        }
        self.config_path = os.path.join(self.dir.name, "prometheus.yml")
        with open(self.config_path, "w") as f:
            json.dump(config, f)  # JSON is YAML
        self.log_path = os.path.join(self.dir.name, "prometheus.log")
        self.process = None

    def __enter__(self):
        if not PROMETHEUS:
            raise AssertionError("prometheus not found (apt-get install prometheus)")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={self.config_path}",
             f"--storage.tsdb.path={self.dir.name}/data",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn", *self.flags],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        harness.wait_until(self._ready, timeout=60, interval=0.2, message="prometheus ready")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError("prometheus exited:\n" + self.log())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def query(self, promql):
        """The result vector of an instant query: [(labels dict, float value)]."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": promql}))
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
        assert answer["status"] == "success", answer
        return [(sample["metric"], float(sample["value"][1]))
                for sample in answer["data"]["result"]]

    def targets(self):
        """The active scrape targets as Prometheus reports them: [{"job", "health", "lastError"}]."""
        url = f"http://127.0.0.1:{self.port}/api/v1/targets?state=active"
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
        return [{"job": t["labels"]["job"], "health": t["health"], "lastError": t["lastError"]}
                for t in answer["data"]["activeTargets"]]

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()
        self.dir.cleanup()
