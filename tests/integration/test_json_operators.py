"""expect_json operators and `*` paths through the real binary: each operator passing and failing
against a loopback JSON server, seen as sitter_probe_success and
sitter_probe_failures_total{reason="json"} on /metrics; a bad operator refuses the config."""

import json
import os
import tempfile
import unittest

import harness
from harness import Epsitter, run_epsitter, wait_until
from scripted import Reply, ScriptedServer

DOC = json.dumps({
    "status": "UP",
    "uptime": 120,
    "version": "2.4.1",
    "count": "3",
    "name": "h\u00e9llo",
    "checks": [{"state": "ok", "ms": 12}, {"state": "ok", "ms": 40}],
    "mixed": [{"state": "ok"}, {"state": "down"}],
    "none": [],
    "flags": {"a": True, "b": True},
})

# name -> (expect_json as YAML flow, passes?)
CASES = {
    "exists_true": ("{status: {exists: true}}", True),
    "exists_missing": ("{nope: {exists: true}}", False),
    "absent_true": ("{maintenance: {exists: false}}", True),
    "absent_but_there": ("{status: {exists: false}}", False),
    "gt_holds": ("{uptime: {gt: 60}}", True),
    "gt_fails": ("{uptime: {gt: 120}}", False),
    "ge_holds": ("{uptime: {ge: 120}}", True),
    "lt_holds": ("{uptime: {lt: 120.5}}", True),
    "le_fails": ("{uptime: {le: 119}}", False),
    "gt_on_string": ("{count: {gt: 1}}", False),
    "in_holds": ("{status: {in: [DEGRADED, UP]}}", True),
    "in_fails": ("{status: {in: [DOWN]}}", False),
    "in_typed": ("{count: {in: [3]}}", False),
    "matches_holds": ("{version: {matches: '^2\\.4\\.'}}", True),
    "matches_fails": ("{version: {matches: '^3'}}", False),
    "matches_number": ("{uptime: {matches: '120'}}", False),
    "length_array": ("{checks: {length: 2}}", True),
    "length_code_points": ("{name: {length: 5}}", True),
    "length_bytes_not": ("{name: {length: 6}}", False),
    "every_holds": ("{checks.*.state: ok, checks.*.ms: {lt: 100}}", True),
    "every_fails": ("{mixed.*.state: ok}", False),
    "every_object": ("{flags.*: true}", True),
    "every_empty": ("{none.*: {gt: 5}}", True),
    "every_not_array": ("{status.*: {exists: true}}", False),
    "eq_object": ("{flags: {eq: {b: true, a: true}}}", True),
}


def config(server):
    lines = ["urls:"]
    for name, (expect, _) in CASES.items():
        lines.append(f"  {name}:")
        lines.append(f"    url: {harness.yaml_quote(server.url('/doc'))}")
        lines.append(f"    expect_json: {expect}")
    return "\n".join(lines) + "\n"


class JsonOperators(unittest.TestCase):
    def test_each_operator_passes_and_fails_as_json(self):
        routes = {"/doc": Reply(200, DOC, {"Content-Type": "application/json"})}
        with ScriptedServer(routes) as server:
            with Epsitter(config(server), env={"POLL_INTERVAL": "0.5"}) as sitter:
                wait_until(lambda: all(sitter.value("sitter_request_time_count", name=name) >= 1
                                       for name in CASES), timeout=30,
                           message="a probe of every case")
                for name, (_, passes) in CASES.items():
                    with self.subTest(case=name):
                        self.assertEqual(sitter.value("sitter_probe_success", name=name),
                                         1 if passes else 0)
                        failures = {dict(labels)["reason"] for (metric, labels) in sitter.metrics()
                                    if metric == "sitter_probe_failures_total"
                                    and dict(labels)["name"] == name}
                        self.assertEqual(failures, set() if passes else {"json"})
                # The log names the element, the path and the operator (read by another thread).
                for detail in ("mixed.1.state differs from the expected value "
                               "(mixed.*.state: equals)",
                               "uptime is out of range (uptime: gt)"):
                    wait_until(lambda: detail in sitter.log(), timeout=30, message=detail)

    def test_a_bad_operator_is_refused_naming_line_path_and_operator(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "sitter.yaml")
            with open(path, "w", encoding="utf-8") as file:
                file.write("urls:\n  api:\n    url: http://127.0.0.1:1/\n"
                           "    expect_json:\n      count: {gte: 1}\n")
            result = run_epsitter(["--check-config", path])
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(f'{path}:5:15: urls.api.expect_json.count.gte: "gte" of "count" is not '
                          'an operator (did you mean "gt"?)', result.stderr)


if __name__ == "__main__":
    harness.main()
