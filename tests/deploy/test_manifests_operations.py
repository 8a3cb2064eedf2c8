"""deploy/ works when operated: the ConfigMap's config (and the commented Secret example, with the
Secret the docs create) passes `epsitter --check-config` in the pod's file layout, the alert rules
pass promtool's checks and unit tests, Service and ServiceMonitor meet on the named port, and the
sharded variant spreads its replicas and takes one at a time."""

import json
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rendered_manifests import (  # noqa: E402  (beside this file)
    DEPLOY, HERE, PROMTOOL, ROOT, RUNBOOK, RenderedManifests, SECRET_FILES, SECRET_NAME,
    VARIANTS, harness, run)


class ManifestsOperations(RenderedManifests):
    def test_the_configmap_keeps_a_fixed_name_so_updates_reload_in_place(self):
        self.assertEqual(self.one("ConfigMap")["metadata"]["name"], "epsitter-config")

    def test_the_configmap_config_passes_check_config(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for a private mount namespace (CI runs as root)")
        for which, _ in VARIANTS:
            for name, text in self.one("ConfigMap", which)["data"].items():
                with self.subTest(which=which, file=name):
                    path = os.path.join(self.tmp.name, f"{which}-{name}")
                    with open(path, "w") as f:
                        f.write(text)
                    # As the pod starts before the user made the Secret: nothing mounted.
                    result = self.check_config_in_pod_layout(path, {}, which)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertIn("config OK", result.stdout)

    def test_the_commented_secret_example_reads_the_secret_the_docs_create(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for a private mount namespace (CI runs as root)")
        with open(os.path.join(DEPLOY, "base", "sitter.yaml")) as f:
            text = f.read()
        # The example target, commented out in the shipped config, uncommented as a user would.
        example = re.search(r"(?m)^  # self_healthy_with_auth:\n(?:  #   .*\n)+", text)
        self.assertIsNotNone(example)
        uncommented = re.sub(r"(?m)^  # ", "  ", example.group(0))
        path = os.path.join(self.tmp.name, "with-secret.yaml")
        with open(path, "w") as f:
            f.write(text + uncommented)
        # The docs' `kubectl create secret generic` command names the Secret and key it reads.
        with open(os.path.join(ROOT, "docs", "deploy.md")) as f:
            docs = f.read()
        key = re.search(r"auth_pass_file: /var/run/secrets/epsitter/(\S+)", uncommented).group(1)
        self.assertIn(f"kubectl create secret generic {SECRET_NAME}", docs)
        self.assertIn(f"--from-file={key}=", docs)
        result = self.check_config_in_pod_layout(path, SECRET_FILES, "base")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("config OK", result.stdout)
        # Without the Secret the check fails, naming the field and never the password.
        result = self.check_config_in_pod_layout(path, {}, "base")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn("auth_pass_file", result.stderr)
        self.assertNotIn(SECRET_FILES["api-password"], result.stderr)

    def test_the_config_baked_into_the_image_passes_check_config(self):
        result = harness.run_epsitter(["--check-config",
                                       os.path.join(DEPLOY, "example-config.yaml")])
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_alert_rules_pass_promtool_check_and_unit_tests(self):
        rule = self.one("PrometheusRule")
        alerts = {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
        for required in ("EpsitterTargetDown", "EpsitterTargetErrorRatioHigh",
                         "EpsitterCertificateExpiringSoon"):
            self.assertIn(required, alerts)
        expressions = " ".join(r["expr"] for g in rule["spec"]["groups"] for r in g["rules"])
        self.assertIn("sitter_tls_chain_expiry_timestamp_seconds", expressions)
        self.assertTrue(re.search(r"14 \* 24 \* 3600", expressions))
        # Job-agnostic: epsitter is known by its metrics, whatever the scrape job is called.
        self.assertNotRegex(expressions, r"\bjob\s*=")
        self.assertIn("absent(sitter_build_info)", expressions)
        self.assertIn("sitter_last_probe_timestamp_seconds", expressions)
        # Every alert has a description and a runbook_url into its own section of the runbook,
        # and promtool's unit tests expect it to fire at least once.
        with open(RUNBOOK) as f:
            anchors = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
                       for line in f if line.startswith("## ")}
        with open(os.path.join(HERE, "rules_test.yaml")) as f:
            rules_test = f.read()
        for group in rule["spec"]["groups"]:
            for r in group["rules"]:
                with self.subTest(alert=r["alert"]):
                    annotations = r["annotations"]
                    self.assertTrue(annotations.get("description"))
                    url, _, anchor = annotations["runbook_url"].partition("#")
                    self.assertTrue(url.endswith("/runbook.md"), url)
                    self.assertEqual(anchor, r["alert"].lower())
                    self.assertIn(anchor, anchors)
                    fired = re.search(r"alertname: " + r["alert"] + r"\n\s+exp_alerts:\n\s+- ",
                                      rules_test)
                    self.assertTrue(fired, f"no promtool test expects {r['alert']} to fire")

        directory = os.path.join(self.tmp.name, "rules")
        os.mkdir(directory)
        with open(os.path.join(directory, "rules.json"), "w") as f:
            json.dump({"groups": rule["spec"]["groups"]}, f)
        shutil.copy(os.path.join(HERE, "rules_test.yaml"), directory)
        checked = run([PROMTOOL, "check", "rules", "rules.json"], cwd=directory)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        tested = run([PROMTOOL, "test", "rules", "rules_test.yaml"], cwd=directory)
        self.assertEqual(tested.returncode, 0, tested.stdout + tested.stderr)
        self.assertIn("SUCCESS", tested.stdout)

    def test_service_and_servicemonitor_meet_on_the_named_port(self):
        deployment = self.one("Deployment")
        service = self.one("Service")
        monitor = self.one("ServiceMonitor")
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        for key, value in service["spec"]["selector"].items():
            self.assertEqual(pod_labels.get(key), value)
        port = next(p for p in service["spec"]["ports"] if p["name"] == "metrics")
        self.assertEqual(port["targetPort"], "metrics")
        for key, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(service["metadata"]["labels"].get(key), value)
        self.assertEqual([e["port"] for e in monitor["spec"]["endpoints"]], ["metrics"])
        self.assertEqual(monitor["spec"]["endpoints"][0]["path"], "/metrics")
        # epsitter's own `namespace` label (the target's) must not become `exported_namespace`.
        self.assertIs(monitor["spec"]["endpoints"][0].get("honorLabels"), True)

    def test_the_replicas_spread_over_nodes_and_a_drain_takes_one_at_a_time(self):
        deployment = self.one("Deployment", "sharded")
        pod = deployment["spec"]["template"]["spec"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(pod["topologySpreadConstraints"], [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "epsitter"}}}])
        budget = self.one("PodDisruptionBudget", "sharded")
        self.assertEqual(budget["apiVersion"], "policy/v1")
        self.assertEqual(budget["spec"]["maxUnavailable"], 1)
        for key, value in budget["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(labels.get(key), value)
        for which in ("base", "full", "discovery"):
            self.assertFalse([o for o in self.objects_of(which)
                              if o["kind"] == "PodDisruptionBudget"])

    def test_the_sharded_deployment_is_the_discovery_one_with_lease_membership(self):
        objects = self.objects_of("sharded")
        self.assertFalse([o for o in objects if o["kind"] == "StatefulSet"])
        deployment = self.one("Deployment", "sharded")
        spec = deployment["spec"]
        pod = spec["template"]["spec"]
        main = next(c for c in pod["containers"] if c["name"] == "epsitter")
        env = {e["name"]: e for e in main["env"]}
        self.assertEqual(env["SHARD_MODE"]["value"], "lease")
        self.assertGreater(spec["replicas"], 1)
        # The pod's name names its Lease, kept in the pod's namespace: both from the downward API.
        self.assertEqual(env["HOSTNAME"]["valueFrom"],
                         {"fieldRef": {"fieldPath": "metadata.name"}})
        self.assertEqual(env["POD_NAMESPACE"]["valueFrom"],
                         {"fieldRef": {"fieldPath": "metadata.namespace"}})
        for static in ("SHARD_COUNT", "SHARD_INDEX"):
            self.assertNotIn(static, env)  # an error together with SHARD_MODE=lease

        # The pod template is the discovery Deployment's, but for the lease env and the spread.
        discovery = self.one("Deployment", "discovery")
        expected = json.loads(json.dumps(discovery["spec"]["template"]))
        actual = json.loads(json.dumps(spec["template"]))
        actual_main = next(c for c in actual["spec"]["containers"] if c["name"] == "epsitter")
        actual_main["env"] = [e for e in actual_main["env"]
                              if e["name"] not in ("SHARD_MODE", "HOSTNAME", "POD_NAMESPACE")]
        del actual["spec"]["topologySpreadConstraints"]
        self.assertEqual(actual, expected)
        # And its config is the discovery overlay's (whose kubernetes: block gives the API server).
        self.assertEqual(self.one("ConfigMap", "sharded")["data"],
                         self.one("ConfigMap", "discovery")["data"])
        self.assertEqual(spec["selector"], discovery["spec"]["selector"])

        # The ServiceMonitor selects the one Service, which reaches every replica.
        services = [o for o in objects if o["kind"] == "Service"]
        self.assertEqual([s["metadata"]["name"] for s in services], ["epsitter"])
        pod_labels = spec["template"]["metadata"]["labels"]
        for key, value in services[0]["spec"]["selector"].items():
            self.assertEqual(pod_labels.get(key), value)


if __name__ == "__main__":
    unittest.main(verbosity=2)
