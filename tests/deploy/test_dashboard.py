"""deploy/grafana/epsitter.json against a real Prometheus that scraped the real epsitter: every
panel's query, with Grafana's variables filled in as Grafana would, returns data and names only
metrics that exist; the JSON model has the shape Grafana imports; deploy/grafana renders a ConfigMap
for Grafana's dashboard sidecar."""

import contextlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GRAFANA = os.path.join(ROOT, "deploy", "grafana")
DASHBOARD = os.path.join(GRAFANA, "epsitter.json")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
import tls  # noqa: E402
from harness import Backend, Epsitter, wait_until  # noqa: E402
from prometheus_server import Prometheus  # noqa: E402
from scripted import ScriptedServer  # noqa: E402

KUBECTL = shutil.which("kubectl")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Grafana's built-in variables, as it would fill them in for a 1 s scrape interval (the
# $__rate_interval of a 15 s one would be 1m; the test has run for seconds, not minutes).
BUILT_INS = {"__rate_interval": "30s", "__interval": "15s", "__interval_ms": "15000",
             "__range": "1m", "__range_s": "60", "__range_ms": "60000"}
# $var, ${var}, ${var:format} and the old [[var]]; a longer name wins ($namespace is not $name).
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
METRIC = re.compile(r"\b((?:sitter|process)_[a-zA-Z0-9_]*)\b")
LABEL_VALUES = re.compile(r"^label_values\((.+),\s*(\w+)\)$")


def load_dashboard():
    with open(DASHBOARD) as f:
        return json.load(f)


def panels_of(dashboard):
    """Every panel, those inside collapsed rows included."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def substitute(expr, values):
    """expr with every variable replaced by values[name]; an unknown variable fails."""
    def one(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in values:
            raise AssertionError(f"unknown variable ${name} in {expr!r}")
        return values[name]
    return VARIABLE.sub(one, expr)


def regex_of(values):
    """A multi-value selection as Grafana writes it into a Prometheus query: (a|b), each escaped."""
    return "(" + "|".join(re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", v) for v in values) + ")"


class Dashboard(unittest.TestCase):
    """The JSON model alone: what Grafana needs to import it and to ask the chosen data source."""

    def setUp(self):
        self.dashboard = load_dashboard()

    def test_it_is_a_grafana_dashboard_with_a_fixed_uid(self):
        self.assertEqual(self.dashboard["uid"], "epsitter")
        self.assertEqual(self.dashboard["title"], "epsitter")
        self.assertGreaterEqual(self.dashboard["schemaVersion"], 39)
        self.assertNotIn("id", self.dashboard)  # an id would clash with the importing Grafana's

    def test_every_panel_has_an_id_a_title_a_place_and_queries_of_the_chosen_data_source(self):
        panels = list(panels_of(self.dashboard))
        self.assertGreaterEqual(len(panels), 10)
        ids = [panel.get("id") for panel in panels]
        self.assertTrue(all(isinstance(i, int) for i in ids), ids)
        self.assertEqual(len(ids), len(set(ids)), f"panel ids repeat: {ids}")
        for panel in panels:
            with self.subTest(panel=panel.get("title")):
                self.assertTrue(panel.get("title"))
                self.assertEqual(set(panel["gridPos"]), {"x", "y", "w", "h"})
                self.assertLessEqual(panel["gridPos"]["x"] + panel["gridPos"]["w"], 24)
                if panel["type"] == "row":
                    continue
                self.assertEqual(panel["datasource"], DATASOURCE)
                self.assertTrue(panel["targets"])
                ref_ids = [target["refId"] for target in panel["targets"]]
                self.assertEqual(len(ref_ids), len(set(ref_ids)))
                for target in panel["targets"]:
                    self.assertEqual(target["datasource"], DATASOURCE)
                    self.assertTrue(target["expr"].strip())

    def test_panels_do_not_overlap(self):
        cells = {}
        for panel in panels_of(self.dashboard):
            grid = panel["gridPos"]
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    self.assertNotIn((x, y), cells, f"{panel['title']} overlaps "
                                     f"{cells.get((x, y))}")
                    cells[(x, y)] = panel["title"]

    def test_the_variables_are_a_prometheus_data_source_and_label_values_of_it(self):
        variables = {v["name"]: v for v in self.dashboard["templating"]["list"]}
        self.assertEqual(list(variables), ["datasource", "job", "namespace", "name"])
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        for name in ("job", "namespace", "name"):
            with self.subTest(variable=name):
                variable = variables[name]
                self.assertEqual(variable["type"], "query")
                self.assertEqual(variable["datasource"], DATASOURCE)
                self.assertRegex(variable["definition"], LABEL_VALUES)
                # A plain string: the form every Grafana version reads (10+ converts it).
                self.assertEqual(variable["query"], variable["definition"])
                self.assertTrue(variable["includeAll"] and variable["multi"])
                self.assertEqual(variable["allValue"], ".*")

    def test_every_expression_uses_only_the_dashboards_variables_and_grafanas(self):
        known = {v["name"]: "x" for v in self.dashboard["templating"]["list"]}
        for panel in panels_of(self.dashboard):
            for target in panel.get("targets", []):
                substitute(target["expr"], {**known, **BUILT_INS})  # fails on an unknown one


class SidecarConfigMap(unittest.TestCase):
    def test_kustomize_renders_the_dashboard_into_a_configmap_labelled_for_the_sidecar(self):
        if not KUBECTL:
            self.skipTest("kubectl not installed: deploy/grafana's ConfigMap NOT rendered")
        result = subprocess.run([KUBECTL, "kustomize", GRAFANA], capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(sum(line == "kind: ConfigMap" for line in lines), 1, result.stdout)
        self.assertEqual(sum(line.startswith("kind:") for line in lines), 1)
        self.assertIn('    grafana_dashboard: "1"', lines)
        self.assertIn("  name: epsitter-grafana-dashboard", lines)  # no hash suffix
        # The data key's block scalar, de-indented, is the file byte for byte.
        start = lines.index("  epsitter.json: |") + 1
        block = []
        for line in lines[start:]:
            if line and not line.startswith("    "):
                break
            block.append(line[4:])
        with open(DASHBOARD) as f:
            self.assertEqual("\n".join(block).rstrip("\n"), f.read().rstrip("\n"))


class QueriedInPrometheus(unittest.TestCase):
    """epsitter probes a plain HTTP target, an HTTPS one (certificate metrics), one answering 503
    and a refused port (two failure reasons); Prometheus scrapes it, and itself (other process_
    series the epsitter panels must leave out), every second."""

    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        try:
            cls._start()
        except BaseException:
            cls.stack.close()
            raise

    @classmethod
    def _start(cls):
        certs = cls.stack.enter_context(tempfile.TemporaryDirectory(prefix="epsitter-dash-"))
        ca = tls.make_ca(certs, days=365)
        leaf = tls.make_cert(certs, "secure", ca=ca, days=30)
        chain = tls.chain_file(certs, "chain", leaf, ca)
        backend = cls.stack.enter_context(Backend({"/fail": (503, 0)}))
        secure = cls.stack.enter_context(
            ScriptedServer(ssl_context=tls.server_context(chain, leaf.key)))
        config = harness.config_yaml({
            "web": {"namespace": "shop", "url": backend.url("/ok")},
            "broken": {"namespace": "shop", "url": backend.url("/fail")},
            "refused": {"namespace": "ops", "url": f"http://127.0.0.1:{harness.refused_port()}/"},
            "secure": {"namespace": "ops", "url": secure.url("/"), "ca_file": ca.cert},
        })
        cls.sitter = cls.stack.enter_context(Epsitter(config, env={"POLL_INTERVAL": "0.5"}))
        prometheus = Prometheus("epsitter", [f"127.0.0.1:{cls.sitter.port}"])
        # Its port is chosen with the config; the job scraping itself is added to that config.
        with open(prometheus.config_path) as f:
            scrape = json.load(f)
        scrape["scrape_configs"].append({"job_name": "prometheus", "static_configs": [
            {"targets": [f"127.0.0.1:{prometheus.port}"]}]})
        with open(prometheus.config_path, "w") as f:
            json.dump(scrape, f)
        cls.prometheus = cls.stack.enter_context(prometheus)
        # A few scrapes, so that rates over $__rate_interval have points to work with.
        wait_until(lambda: cls.prometheus.query(
            'count_over_time(up{job="epsitter"}[1m]) >= 6 and up{job="epsitter"} == 1'),
            timeout=60, interval=0.5, message="six scrapes of epsitter:\n" + cls.prometheus.log())
        cls.dashboard = load_dashboard()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.prometheus.port}/api/v1/{path}?" + urllib.parse.urlencode(
            params, doseq=True)
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
        self.assertEqual(answer["status"], "success", answer)
        return answer["data"]

    def problems_of(self, expr, values):
        """What is wrong with one panel query under `values`: a metric Prometheus never stored,
        an invalid expression, no series, or only NaN. [] when nothing is."""
        promql = substitute(expr, {**values, **BUILT_INS})
        problems = []
        metrics = set(METRIC.findall(promql))
        if not metrics:
            problems.append(f"names no sitter_ or process_ metric: {promql}")
        for metric in sorted(metrics):
            if not self.prometheus.query(f'count({{__name__="{metric}"}})'):
                problems.append(f"metric {metric} does not exist in Prometheus")
        try:
            samples = self.prometheus.query(promql)
        except urllib.error.HTTPError as error:
            return problems + [f"Prometheus refused {promql}: {error.read().decode()}"]
        if not samples:
            problems.append(f"no data: {promql}")
        elif not any(math.isfinite(value) for _, value in samples):
            problems.append(f"only NaN or Inf: {promql} -> {samples}")
        return problems

    def assert_every_panel_returns_data(self, values):
        checked = 0
        for panel in panels_of(self.dashboard):
            for target in panel.get("targets", []):
                with self.subTest(panel=panel["title"], refId=target["refId"]):
                    self.assertEqual(self.problems_of(target["expr"], values), [])
                    checked += 1
        self.assertGreaterEqual(checked, 10)

    def variable_values(self):
        """Each query variable's options, from label_values() as Grafana asks Prometheus for
        them (/api/v1/label/<label>/values?match[]=<selector>), earlier variables set to All."""
        values = {"datasource": "prometheus"}
        options = {}
        for variable in self.dashboard["templating"]["list"]:
            if variable["type"] != "query":
                continue
            selector, label = LABEL_VALUES.match(variable["definition"]).groups()
            options[variable["name"]] = self.api(f"label/{label}/values",
                                                 **{"match[]": substitute(selector, values)})
            values[variable["name"]] = variable["allValue"]
        return options

    def test_every_variable_lists_what_epsitter_exported(self):
        self.assertEqual(self.variable_values(), {
            "job": ["epsitter"], "namespace": ["ops", "shop"],
            "name": ["broken", "refused", "secure", "web"]})

    def test_every_panel_query_returns_data_with_all_selected(self):
        self.assert_every_panel_returns_data(
            {"datasource": "prometheus", "job": ".*", "namespace": ".*", "name": ".*"})

    def test_every_panel_query_returns_data_with_each_listed_value_selected(self):
        values = {name: regex_of(options) for name, options in self.variable_values().items()}
        self.assert_every_panel_returns_data({"datasource": "prometheus", **values})

    def test_the_failure_and_certificate_panels_show_what_the_targets_did(self):
        everything = {"datasource": "prometheus", "job": ".*", "namespace": ".*", "name": ".*"}

        def result(title):
            panel = next(p for p in panels_of(self.dashboard) if p["title"] == title)
            return self.prometheus.query(substitute(panel["targets"][0]["expr"],
                                                    {**everything, **BUILT_INS}))

        reasons = {labels["reason"] for labels, _ in result("Failure reasons")}
        self.assertEqual(reasons, {"status", "connection_refused"})
        self.assertEqual(result("Down")[0][1], 2)
        self.assertEqual(result("Up")[0][1], 2)
        days = result("Certificate days left")
        self.assertEqual([labels["name"] for labels, _ in days], ["secure"])
        self.assertTrue(29 < days[0][1] <= 30, days)
        phases = {labels["phase"] for labels, _ in result("Phase breakdown (last probe)")}
        self.assertEqual(phases, {"dns", "connect", "tls", "ttfb", "transfer"})

    def test_epsitters_own_cpu_and_memory_leave_out_other_processes(self):
        # Prometheus scrapes its own process_ series too; the panels show epsitter's alone.
        self.assertTrue(self.prometheus.query('process_resident_memory_bytes{job="prometheus"}'))
        everything = {"datasource": "prometheus", "job": ".*", "namespace": ".*", "name": ".*"}
        for title in ("epsitter CPU", "epsitter memory (RSS)"):
            with self.subTest(panel=title):
                panel = next(p for p in panels_of(self.dashboard) if p["title"] == title)
                samples = self.prometheus.query(substitute(panel["targets"][0]["expr"],
                                                           {**everything, **BUILT_INS}))
                self.assertEqual([labels["job"] for labels, _ in samples], ["epsitter"])

    def test_a_misspelled_metric_or_label_is_caught(self):
        # The check itself is live: a metric that does not exist, or a selector that matches
        # nothing, is reported even inside an expression that still returns something.
        values = {"datasource": "prometheus", "job": ".*", "namespace": ".*", "name": ".*"}
        missing = self.problems_of(
            'sum(sitter_probe_sucess{name=~"$name"}) or sum(sitter_probe_success)', values)
        self.assertEqual(missing, ["metric sitter_probe_sucess does not exist in Prometheus"])
        nothing = self.problems_of('sum by (reason) (sitter_probe_failures_total{job="nope"})',
                                   values)
        self.assertEqual(len(nothing), 1)
        self.assertTrue(nothing[0].startswith("no data: "), nothing)


if __name__ == "__main__":
    harness.main()
