"""Logs cannot be forged: a target name with a line break, an annotation path and an Ingress path
written to look like fields of their own each come out as one well-formed logfmt line, the value
escaped inside its quotes; every line of the run parses as logfmt."""

import json
import unittest

import harness
from fake_kube import cluster_for, ingress, service
from harness import Backend, Epsitter, wait_until

FORGED_NAME = 'bad\nlevel=critical msg="forged-line"'
FORGED_PATH = '/" level=critical msg="x'
FORGED_INGRESS_PATH = '/x" level=critical msg="forged'
QUOTED_PATH = '/q"level=critical'  # no space, but a quote is no URL character either
NOT_A_PATH = ("is not a URL path (at most 2048 bytes of letters, digits, -._~!$&'()*+,;=:@/?% "
              "and percent-escapes)")
PROBE = {"epsitter.io/probe": "true"}


def quoted(value):
    """How epsitter quotes text without control bytes (logfmt, and config errors' quote())."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lines_with(fields, key, needle):
    return [f for f in fields if needle in f.get(key, "")]


class LogFormat(unittest.TestCase):
    def test_forged_values_stay_inside_their_quotes(self):
        kube, token = cluster_for(self)
        with Backend() as proxy:
            kube.put("services", service("shop", "web", {**PROBE, "epsitter.io/path": FORGED_PATH}))
            kube.put("ingresses", ingress("shop", "front", PROBE, [
                {"host": "a.example.com",
                 "http": {"paths": [{"path": FORGED_INGRESS_PATH, "pathType": "Prefix"}]}}]))
            kube.put("ingresses", ingress("shop", "quoted", PROBE, [
                {"host": "b.example.com",
                 "http": {"paths": [{"path": QUOTED_PATH, "pathType": "Prefix"}]}}]))
            config = (f"kubernetes:\n  api_url: {kube.url}\n  token_file: {token}\n"
                      f"  allowed_hosts: ['*.example.com']\n"
                      f"defaults:\n  proxy: {proxy.url()}\n"
                      f"urls:\n  {json.dumps(FORGED_NAME)}:\n"
                      "    url: http://forged.example.com/\n")
            env = {"LOG_LEVEL": "DEBUG", "no_proxy": "", "NO_PROXY": "", "http_proxy": "",
                   "HTTP_PROXY": ""}
            with Epsitter(config, env=env) as sitter:
                wait_until(lambda: len(lines_with(harness.parse_log(sitter.log()), "target",
                                                  FORGED_NAME)) >= 2,
                           message="the forged target probed")
                wait_until(lambda: sitter.value("sitter_discovery_errors_total",
                                                reason="object") >= 3,
                           message="the three forged paths counted as object errors")
            text = sitter.log()
        fields = harness.parse_log(text)  # every line of the run is well-formed logfmt
        self.assertEqual([f for f in fields if f["level"] == "critical"], [])

        # The target name: one line per probe (through the proxy, so "probe done" at debug), the
        # name whole in `target`.
        probes = [f for f in fields if f.get("target") == FORGED_NAME]
        self.assertGreaterEqual(len(probes), 2)
        self.assertEqual({f["msg"] for f in probes}, {"probe done"})
        self.assertEqual(len(probes),
                         text.count('target="bad\\nlevel=critical msg=\\"forged-line\\""'))

        # The annotation path and the Ingress path: one "object skipped" line each, the path
        # quoted in the error (as config errors quote values) and the error quoted again.
        skipped = [f for f in fields if f["msg"] == "kubernetes object skipped"]
        web = [f for f in skipped if f["error"].startswith("Service shop/web: ")]
        self.assertEqual(len(web), 1, skipped)
        self.assertEqual(web[0]["error"],
                         f"Service shop/web: epsitter.io/path: {quoted(FORGED_PATH)} {NOT_A_PATH}")
        ingresses = []
        for name, path in (("front", FORGED_INGRESS_PATH), ("quoted", QUOTED_PATH)):
            lines = [f for f in skipped if f["error"].startswith(f"Ingress shop/{name}: ")]
            self.assertEqual(len(lines), 1, skipped)
            self.assertEqual(lines[0]["error"], f"Ingress shop/{name}: spec.rules[].http.paths: "
                                                f"{quoted(path)} {NOT_A_PATH}")
            ingresses += lines
        for line in web + ingresses:
            self.assertEqual(text.count(f"error={quoted(line['error'])}"), 1)


if __name__ == "__main__":
    harness.main()
